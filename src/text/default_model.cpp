#include <filesystem>

#include "text/text.h"

namespace civicgrid::text {

Result<std::shared_ptr<const Classifier>> open_default_classifier(const std::string& dir) {
  const std::filesystem::path model = std::filesystem::path(dir) / "model.bin";
  std::error_code ec;
  if (std::filesystem::exists(model, ec)) {
    auto m = load_classifier(model.string());
    if (!m) return fail(m.error());
    return std::shared_ptr<const Classifier>(std::move(*m));
  }
  auto table = read_csv_file((std::filesystem::path(dir) / "titles_train.csv").string());
  if (!table) return fail(table.error());
  auto examples = examples_from_csv(*table, "title", "label");
  if (!examples) return fail(examples.error());
  std::vector<Supplement> supplements;
  const std::filesystem::path messages = std::filesystem::path(dir) / "messages_train.csv";
  if (std::filesystem::exists(messages, ec)) {
    auto extra = read_csv_file(messages.string());
    if (!extra) return fail(extra.error());
    auto read = supplements_from_csv(*extra, "title", "text", "label");
    if (!read) return fail(read.error());
    supplements = std::move(*read);
  }
  auto m = train_classifier(*examples, supplements, default_recipe());
  if (!m) return fail(m.error());
  return std::shared_ptr<const Classifier>(std::move(*m));
}

}  // namespace civicgrid::text
