#include "text/fasttext_model.h"

#include <fasttext/fasttext.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace civicgrid::text {

namespace fs = std::filesystem;

namespace {

constexpr std::int32_t kFastTextMagic = 793712314;  // fastText's file signature and version 12
constexpr std::int32_t kFastTextVersion = 12;

// fastText trains from a file and saves to a file: a private temporary one per call.
class TempFile {
 public:
  explicit TempFile(std::string_view suffix) {
    static std::atomic<int> counter{0};
    path_ = (fs::temp_directory_path() / ("civicgrid-ft-" + std::to_string(getpid()) + "-" +
                                          std::to_string(counter++) + std::string(suffix)))
                .string();
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string label_token(int c) {
  return "__label__" + std::to_string(c);
}

}  // namespace

FastTextModel::FastTextModel() = default;
FastTextModel::~FastTextModel() = default;
FastTextModel::FastTextModel(FastTextModel&&) noexcept = default;
FastTextModel& FastTextModel::operator=(FastTextModel&&) noexcept = default;

Result<FastTextModel> FastTextModel::train(std::span<const std::vector<std::string>> docs,
                                           std::span<const int> labels, int classes,
                                           const FastTextParams& p, std::uint64_t seed) {
  TempFile input(".txt");
  {
    std::ofstream out(input.path(), std::ios::binary);
    for (size_t i = 0; i < docs.size(); ++i) {
      out << label_token(labels[i]);
      for (const auto& t : docs[i]) out << ' ' << t;
      out << '\n';
    }
    if (!out) return fail(Error::internal("cannot write fastText training file " + input.path()));
  }
  fasttext::Args args;
  args.input = input.path();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = p.dim;
  args.epoch = p.epoch;
  args.lr = p.lr;
  args.wordNgrams = p.word_ngrams;
  args.bucket = p.word_ngrams > 1 ? (p.bucket > 0 ? p.bucket : 200000) : 0;
  args.minCount = p.min_count;
  args.minn = 0;
  args.maxn = 0;
  args.thread = 1;  // one thread: the only way fastText's training is reproducible
  args.seed = static_cast<int>(seed & 0x7fffffff);
  args.verbose = 0;
  FastTextModel m;
  m.classes_ = classes;
  m.ft_ = std::make_shared<fasttext::FastText>();
  try {
    m.ft_->train(args);
  } catch (const std::exception& e) {
    return fail(Error::internal(std::string("fastText training failed: ") + e.what()));
  }
  const auto dict = m.ft_->getDictionary();
  m.class_of_label_.assign(static_cast<size_t>(dict->nlabels()), -1);
  for (int32_t l = 0; l < dict->nlabels(); ++l) {
    const std::string name = dict->getLabel(l);
    m.class_of_label_[static_cast<size_t>(l)] = std::stoi(name.substr(9));
  }
  return m;
}

void FastTextModel::predict(std::span<const std::string> tokens,
                            std::span<double> probabilities) const {
  for (int c = 0; c < classes_; ++c) probabilities[static_cast<size_t>(c)] = 0;
  std::string line;
  for (const auto& t : tokens) line.append(t).push_back(' ');
  line.push_back('\n');
  std::istringstream in(line);
  std::vector<std::int32_t> words, labels;
  ft_->getDictionary()->getLine(in, words, labels);
  fasttext::Predictions predictions;
  ft_->predict(static_cast<std::int32_t>(class_of_label_.size()), words, predictions, 0.0);
  double sum = 0;
  for (const auto& [log_prob, label] : predictions) {
    const int c = class_of_label_[static_cast<size_t>(label)];
    if (c >= 0 && c < classes_) sum += probabilities[static_cast<size_t>(c)] = std::exp(log_prob);
  }
  // Labels fastText never saw in training get nothing; the rest sum to 1.
  if (sum > 0)
    for (int c = 0; c < classes_; ++c) probabilities[static_cast<size_t>(c)] /= sum;
}

Result<void> FastTextModel::save(ModelWriter& w) const {
  TempFile file(".bin");
  try {
    ft_->saveModel(file.path());
  } catch (const std::exception& e) {
    return fail(Error::internal(std::string("fastText save failed: ") + e.what()));
  }
  std::ifstream in(file.path(), std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  w.put_string(bytes.str());
  std::vector<std::int32_t> map(class_of_label_.begin(), class_of_label_.end());
  w.put_array(map.data(), map.size());
  return {};
}

bool FastTextModel::load(ModelReader& r, int classes) {
  std::string bytes;
  std::vector<std::int32_t> map;
  if (!r.get_string(bytes) || !r.get_array(map)) return false;
  std::istringstream in(bytes);
  std::int32_t magic = 0, version = 0;
  in.read(reinterpret_cast<char*>(&magic), sizeof magic);
  in.read(reinterpret_cast<char*>(&version), sizeof version);
  if (!in || magic != kFastTextMagic || version != kFastTextVersion) return false;
  auto ft = std::make_shared<fasttext::FastText>();
  try {
    ft->loadModel(in);
  } catch (const std::exception&) {
    return false;
  }
  if (ft->getDictionary()->nlabels() != static_cast<std::int32_t>(map.size())) return false;
  for (std::int32_t c : map)
    if (c < 0 || c >= classes) return false;
  ft_ = std::move(ft);
  class_of_label_.assign(map.begin(), map.end());
  classes_ = classes;
  return true;
}

}  // namespace civicgrid::text
