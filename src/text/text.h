// Chinese text intelligence: the text module's public interface. Other modules and the app may rely
// on what this header declares and on nothing else under src/text/.
//
// - normalisation (NFKC, full-width → half-width, traditional → simplified, whitespace);
// - word segmentation with ICU's dictionary-based word BreakIterator;
// - RFC 4180 CSV reading and writing for the CLI;
// - removal of personal data from free text (typed masks such as 〔电话〕);
// - a swappable title classifier (train, save, load, predict) with its evaluation.
//
// Everything here is thread-safe: free functions keep no shared mutable state (ICU objects are per
// thread), and a trained Classifier is immutable, so one instance serves every request thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace civicgrid::text {

// ---------------------------------------------------------------------------------------------
// Normalisation

struct NormalizeOptions {
  bool simplify = true;         // traditional → simplified, character by character (ICU's table)
  bool collapse_spaces = true;  // whitespace, control and zero-width runs → one space; trimmed
};

// NFKC (which also folds full-width ASCII and U+3000 to half-width), then the options. Invalid
// UTF-8 bytes become U+FFFD. Never fails.
std::string normalize(std::string_view text, const NormalizeOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Segmentation

enum class TokenKind {
  kWord,    // Chinese word or Latin-script word (may mix letters and digits, e.g. "A3")
  kNumber,  // digits, possibly with a decimal point or leading letters ("C3"), as ICU rules
  kOther,   // punctuation, symbols, spaces
};

struct Token {
  std::string text;
  TokenKind kind = TokenKind::kOther;
};

// Every piece of the text in order (concatenated they give the text back).
std::vector<Token> tokenize(std::string_view text);
// The words and numbers of the text, without spaces and punctuation: "小区垃圾没人清理" →
// {"小区", "垃圾", "没人", "清理"}.
std::vector<std::string> segment(std::string_view text);

// Character n-grams (n = min_n..max_n, counted in code points) of the text without its spaces,
// in order of position then length.
std::vector<std::string> char_ngrams(std::string_view text, int min_n, int max_n);

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180: a header row, comma separator, "..." quoting with "" for a quote; quoted fields
// may hold commas and newlines; LF or CRLF line ends; an optional UTF-8 BOM).

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each row has header.size() fields

  // Index of the column named `name`; kInvalidArgument naming the column and listing the header.
  Result<size_t> column(std::string_view name) const;
};

// kInvalidArgument (field "csv") for an empty input, bytes that are not UTF-8 (with the line), an
// unterminated quote, or a row whose field count differs from the header's (with the line).
Result<CsvTable> parse_csv(std::string_view bytes);
// As parse_csv on the file's bytes; also fails when the file cannot be read. "-" reads stdin.
Result<CsvTable> read_csv_file(const std::string& path);
// One CSV line (CRLF-terminated), quoting fields that need it.
std::string csv_line(const std::vector<std::string>& fields);

// ---------------------------------------------------------------------------------------------
// Personal data

enum class PiiKind { kPhone, kIdNumber, kBankCard, kEmail, kPlate, kHouseNumber, kName };

struct PiiSpan {
  PiiKind kind;
  size_t begin = 0;  // byte offsets into the text, [begin, end)
  size_t end = 0;
};

// The typed mask that replaces a span: 〔电话〕, 〔身份证号〕, 〔银行卡号〕, 〔邮箱〕, 〔车牌〕,
// 〔门牌〕, 〔姓名〕.
std::string_view mask_of(PiiKind kind);

// Where the text holds personal data: mainland mobile and landline numbers, 18-digit ID numbers
// (check digit valid), bank card numbers (Luhn valid), e-mail addresses, licence plates, the unit
// part of an address (楼栋/单元/室), and names after 我叫/本人/联系人/…. Dates, amounts, years and
// short numbers are left alone. Full-width digits and letters count like ASCII ones. Sorted, not
// overlapping.
std::vector<PiiSpan> find_personal_data(std::string_view text);
// The text with every span of find_personal_data replaced by its mask; everything else unchanged.
std::string redact(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Classification

struct LabelScore {
  std::string label;
  double score = 0;  // probability-like, in [0, 1]; the scores of all labels sum to 1
};

struct Prediction {
  std::string label;            // the best label
  double confidence = 0;        // its score
  std::vector<LabelScore> top;  // the k best, best first (top[0] is the label itself)
};

struct Example {
  std::string text;
  std::string label;
};

// Extra training text tied to a title: the full text of a message whose title may itself be one of
// the examples. Trained on, never scored.
struct Supplement {
  std::string title;  // ties it to the example whose text is this title
  Example example;    // what is trained on: the message's title and body, and its label
};

// A trained model. Immutable once built, so predict() may run on many threads at once.
class Classifier {
 public:
  virtual ~Classifier() = default;
  // The text is normalised inside; any UTF-8 is accepted (an empty text still gets a label).
  virtual Prediction predict(std::string_view text, size_t k = 3) const = 0;
  virtual const std::vector<std::string>& labels() const = 0;
  // The recipe it was trained with (see train_classifier).
  virtual const std::string& recipe() const = 0;
  // Writes the model to a file that load_classifier reads back to an identical classifier.
  virtual Result<void> save(const std::string& path) const = 0;
};

// The recipe of the shipped default model (chosen by cross-validation; see bench/RESULTS.md).
std::string_view default_recipe();

// Trains a model. `recipe` names one or more members joined by '+', each `kind:option,option…`,
// e.g. "svm:c1-3,w1-2,C=0.5+ft:c1-2,dim=50,epoch=30" (see src/text/README.md). Deterministic: the
// same examples and recipe give the same model (one thread, fixed seeds). kInvalidArgument for a
// malformed recipe, fewer than two labels or no examples.
Result<std::unique_ptr<Classifier>> train_classifier(std::span<const Example> examples,
                                                     std::string_view recipe);
// As above, also trained on the supplements (see Supplement). A recipe ending in `+bias:folds=K`
// adds per-class offsets tuned for macro-F1 by a K-fold cross-validation inside these examples.
Result<std::unique_ptr<Classifier>> train_classifier(std::span<const Example> examples,
                                                     std::span<const Supplement> supplements,
                                                     std::string_view recipe);
// kInvalidArgument when the file is missing, not a model, or from an incompatible version.
Result<std::unique_ptr<Classifier>> load_classifier(const std::string& path);

// The default classifier shipped in `dir` (data/text): `dir`/model.bin when present, otherwise a
// model trained with default_recipe() from `dir`/titles_train.csv (columns title, label) and, when
// present, the supplements in `dir`/messages_train.csv (columns label, title, text).
Result<std::shared_ptr<const Classifier>> open_default_classifier(const std::string& dir);

// Examples from a CSV table's text and label columns (rows with an empty text or label skipped).
Result<std::vector<Example>> examples_from_csv(const CsvTable& table, std::string_view text_column,
                                               std::string_view label_column);

struct ClassMetrics {
  std::string label;
  int support = 0;  // examples whose true label this is
  double precision = 0, recall = 0, f1 = 0;
};

struct Evaluation {
  std::vector<std::string> labels;          // rows/columns of the confusion matrix
  std::vector<std::vector<int>> confusion;  // [true][predicted]
  std::vector<ClassMetrics> classes;
  double accuracy = 0;
  double macro_f1 = 0;
  int total = 0;
};

// Scores predictions against true labels. Labels that occur only in `truth` or only in
// `predicted` still get their row and column.
Evaluation score(std::span<const std::string> truth, std::span<const std::string> predicted);
// Human-readable report: accuracy, per-class precision/recall/F1, macro-F1, confusion matrix.
std::string format_evaluation(const Evaluation& e);

struct CrossValidation {
  Evaluation pooled;  // all out-of-fold predictions scored together
  std::vector<double> fold_macro_f1;
  double train_seconds = 0;    // summed over folds
  double predict_seconds = 0;  // summed over folds
  size_t predicted = 0;        // titles classified
};

// Stratified k-fold cross-validation (folds drawn with `seed`).
Result<CrossValidation> cross_validate(std::span<const Example> examples, std::string_view recipe,
                                       int folds, std::uint64_t seed);

// Supplements from a CSV table with title, body and label columns (rows with an empty body or label
// skipped). The example text is the title, a newline and the body.
Result<std::vector<Supplement>> supplements_from_csv(const CsvTable& table,
                                                     std::string_view title_column,
                                                     std::string_view body_column,
                                                     std::string_view label_column);

// As above, each fold's model also trained on the supplements whose title is not an example of the
// held-out fold, so no held-out title is ever seen in training, not even through its message.
Result<CrossValidation> cross_validate(std::span<const Example> examples,
                                       std::span<const Supplement> supplements,
                                       std::string_view recipe, int folds, std::uint64_t seed);

// ---------------------------------------------------------------------------------------------
// Category suggestions (what the cases module shows staff)

struct CategoryGuess {
  std::string code;  // category code in the case catalog (e.g. "C01"); empty when not in it
  std::string name;  // category name (the classifier's label, e.g. "城乡建设")
  double confidence = 0;
};

struct CategorySuggestion {
  CategoryGuess best;
  std::vector<CategoryGuess> alternatives;  // the next most likely, best first
};

// Suggests a category for a free text; nullopt when no model is loaded or the text is blank.
using CategorySuggester = std::function<std::optional<CategorySuggestion>(std::string_view text)>;
// Maps a classifier label (a first-level category name) to its code in the case catalog, or "".
using LabelResolver = std::function<std::string(std::string_view label)>;

// A suggester over a classifier; labels are turned into catalog codes by `resolve` at each call
// (so catalog changes show at once). `alternatives` is at most 2 long.
CategorySuggester make_category_suggester(std::shared_ptr<const Classifier> classifier,
                                          LabelResolver resolve);

}  // namespace civicgrid::text
