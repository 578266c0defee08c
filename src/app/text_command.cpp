// `civicgrid text train|classify|evaluate|cross-validate|redact`: the text module on files.
// Exit codes: 0 done, 2 bad input (file, column, encoding, recipe), 1 anything else.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/app.h"
#include "app/commands.h"
#include "text/text.h"

namespace civicgrid::app {

namespace {

int report(const Error& e) {
  std::cerr << "civicgrid text: " << e.message_zh() << " / " << e.message_en() << "\n";
  return e.code() == ErrorCode::kInvalidArgument ? 2 : 1;
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct TextOptions {
  std::string input, output, model, recipe;
  std::string extra;  // CSV of supplements (label, title, text) for train and cross-validate
  std::string text_column = "title", label_column = "label";
  std::vector<std::string> recipes;
  int folds = 5;
  std::uint64_t seed = 1;
};

Result<std::vector<text::Example>> read_examples(const TextOptions& o) {
  auto table = text::read_csv_file(o.input);
  if (!table) return fail(table.error());
  auto examples = text::examples_from_csv(*table, o.text_column, o.label_column);
  if (!examples) return fail(examples.error());
  if (examples->empty())
    return fail(
        Error::invalid("input", o.input + "：没有带标签的样本", o.input + ": no labelled rows"));
  return examples;
}

Result<std::vector<text::Supplement>> read_supplements(const TextOptions& o) {
  if (o.extra.empty()) return std::vector<text::Supplement>{};
  auto table = text::read_csv_file(o.extra);
  if (!table) return fail(table.error());
  return text::supplements_from_csv(*table, "title", "text", "label");
}

// --model, or the shipped default model when it is not given.
Result<std::shared_ptr<const text::Classifier>> model_for(const TextOptions& o) {
  if (o.model.empty()) return load_default_classifier();
  auto m = text::load_classifier(o.model);
  if (!m) return fail(m.error());
  return std::shared_ptr<const text::Classifier>(std::move(*m));
}

int train(const TextOptions& o) {
  auto examples = read_examples(o);
  if (!examples) return report(examples.error());
  auto supplements = read_supplements(o);
  if (!supplements) return report(supplements.error());
  const auto t0 = std::chrono::steady_clock::now();
  auto model = text::train_classifier(*examples, *supplements,
                                      o.recipe.empty() ? text::default_recipe() : o.recipe);
  if (!model) return report(model.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (auto ok = (*model)->save(o.output); !ok) return report(ok.error());
  std::cout << "trained on " << examples->size() << " examples + " << supplements->size()
            << " supplements, " << (*model)->labels().size() << " labels in " << fixed(seconds, 2)
            << " s; recipe " << (*model)->recipe() << "; written to " << o.output << "\n";
  return 0;
}

int classify(const TextOptions& o) {
  auto table = text::read_csv_file(o.input);
  if (!table) return report(table.error());
  auto col = table->column(o.text_column);
  if (!col) return report(col.error());
  auto model = model_for(o);
  if (!model) return report(model.error());
  std::ofstream file;
  if (o.output != "-") {
    file.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file)
      return report(Error::invalid("output", "无法写入：" + o.output, "cannot write " + o.output));
  }
  std::ostream& out = o.output == "-" ? std::cout : file;
  std::vector<std::string> header = table->header;
  header.push_back("predicted");
  header.push_back("confidence");
  out << text::csv_line(header);
  for (auto& row : table->rows) {
    const text::Prediction p = (*model)->predict(row[*col], 1);
    row.push_back(p.label);
    row.push_back(fixed(p.confidence, 4));
    out << text::csv_line(row);
  }
  out.flush();
  if (!out)
    return report(Error::invalid("output", "写入失败：" + o.output, "write failed: " + o.output));
  if (o.output != "-")
    std::cerr << "classified " << table->rows.size() << " rows into " << o.output << "\n";
  return 0;
}

int evaluate(const TextOptions& o) {
  auto examples = read_examples(o);
  if (!examples) return report(examples.error());
  auto model = model_for(o);
  if (!model) return report(model.error());
  std::vector<std::string> truth, predicted;
  for (const auto& e : *examples) {
    truth.push_back(e.label);
    predicted.push_back((*model)->predict(e.text, 1).label);
  }
  std::cout << text::format_evaluation(text::score(truth, predicted));
  return 0;
}

int cross_validate(const TextOptions& o) {
  auto examples = read_examples(o);
  if (!examples) return report(examples.error());
  auto supplements = read_supplements(o);
  if (!supplements) return report(supplements.error());
  std::vector<std::string> recipes = o.recipes;
  if (recipes.empty()) recipes.emplace_back(text::default_recipe());
  std::cout << "examples " << examples->size() << ", " << o.folds << " folds, seed " << o.seed
            << "\n";
  for (const auto& recipe : recipes) {
    auto cv = text::cross_validate(*examples, *supplements, recipe, o.folds, o.seed);
    if (!cv) return report(cv.error());
    double lo = 1, hi = 0;
    for (double f : cv->fold_macro_f1) lo = std::min(lo, f), hi = std::max(hi, f);
    std::cout << "macro-F1 " << fixed(cv->pooled.macro_f1, 4) << "  accuracy "
              << fixed(cv->pooled.accuracy, 4) << "  folds " << fixed(lo, 3) << ".." << fixed(hi, 3)
              << "  train " << fixed(cv->train_seconds / o.folds, 2) << " s/fold  classify "
              << fixed(static_cast<double>(cv->predicted) / cv->predict_seconds, 0) << " titles/s  "
              << recipe << std::endl;
    if (recipes.size() == 1) std::cout << "\n" << text::format_evaluation(cv->pooled);
  }
  return 0;
}

int redact() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::cout << text::redact(line);
    if (!std::cin.eof()) std::cout << '\n';
  }
  std::cout.flush();
  return 0;
}

}  // namespace

void add_text_commands(CLI::App& cli, int& exit_code) {
  auto o = std::make_shared<TextOptions>();
  auto* text = cli.add_subcommand(
      "text", "中文文本：分类与脱敏 / Chinese text: classification and redaction");
  text->require_subcommand(1);
  auto columns = [o](CLI::App* cmd, bool label) {
    cmd->add_option("--input", o->input, "CSV file with a header row (UTF-8; - for stdin)")
        ->required();
    cmd->add_option("--text-column", o->text_column, "column holding the text")
        ->capture_default_str();
    if (label)
      cmd->add_option("--label-column", o->label_column, "column holding the label")
          ->capture_default_str();
  };
  auto* train_cmd = text->add_subcommand("train", "训练分类模型 / train a classifier");
  columns(train_cmd, true);
  train_cmd->add_option("--output", o->output, "model file to write")->required();
  train_cmd->add_option("--recipe", o->recipe, "model recipe (default: the shipped model's)");
  train_cmd->add_option("--extra", o->extra,
                        "CSV of whole messages (label, title, text) to train on as well");
  train_cmd->callback([o, &exit_code] { exit_code = train(*o); });

  auto* classify_cmd = text->add_subcommand("classify", "批量分类 / classify every row");
  columns(classify_cmd, false);
  classify_cmd->add_option("--model", o->model, "model file (default: the shipped model)");
  classify_cmd
      ->add_option("--output", o->output, "CSV to write: the input columns + predicted, confidence")
      ->required();
  classify_cmd->callback([o, &exit_code] { exit_code = classify(*o); });

  auto* evaluate_cmd =
      text->add_subcommand("evaluate", "评估模型 / score a model on labelled rows");
  columns(evaluate_cmd, true);
  evaluate_cmd->add_option("--model", o->model, "model file (default: the shipped model)");
  evaluate_cmd->callback([o, &exit_code] { exit_code = evaluate(*o); });

  auto* cv_cmd =
      text->add_subcommand("cross-validate", "交叉验证 / stratified k-fold cross-validation");
  columns(cv_cmd, true);
  cv_cmd->add_option("--folds", o->folds, "number of folds")->capture_default_str();
  cv_cmd->add_option("--seed", o->seed, "seed of the fold assignment")->capture_default_str();
  cv_cmd->add_option("--recipe", o->recipes,
                     "model recipe (repeatable; default: the shipped model's)");
  cv_cmd->add_option("--extra", o->extra,
                     "CSV of whole messages (label, title, text) added to the training folds");
  cv_cmd->callback([o, &exit_code] { exit_code = cross_validate(*o); });

  auto* redact_cmd = text->add_subcommand(
      "redact", "去除个人信息（标准输入 → 标准输出）/ remove personal data, stdin → stdout");
  redact_cmd->callback([&exit_code] { exit_code = redact(); });
  add_text_hot_reply_commands(*text, exit_code);
}

}  // namespace civicgrid::app
