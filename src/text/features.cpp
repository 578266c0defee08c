#include "text/features.h"

#include "text/segment_lexicon.h"
#include "text/text.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace {

bool ascii_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool ascii_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

size_t place_at(std::string_view s, size_t i) {
  if (!ascii_upper(s[i]) || (i > 0 && ascii_alpha(s[i - 1]))) return 0;
  size_t j = i + 1;
  while (j < s.size() && ascii_digit(s[j])) ++j;
  const std::string_view rest = s.substr(j);
  if (rest.starts_with("市") || rest.starts_with("区") || rest.starts_with("县")) return j - i + 3;
  return 0;
}

std::string model_text(std::string_view raw, const FeatureSpec& spec,
                       std::vector<std::string>* places) {
  const std::string n = normalize(raw);
  std::string out;
  out.reserve(n.size());
  for (size_t i = 0; i < n.size();) {
    if (spec.places != PlaceMode::kKeep) {
      if (const size_t len = place_at(n, i)) {
        if (places) {
          std::string p(n.substr(i, len));
          for (char& c : p)
            if (ascii_upper(c)) c = static_cast<char>(c - 'A' + 'a');
          places->push_back(std::move(p));
        }
        if (spec.places == PlaceMode::kMask) out.append("@").append(n.substr(i + len - 3, 3));
        i += len;
        continue;
      }
    }
    const char c = n[i];
    if (spec.fold_digits && ascii_digit(c)) {
      out.push_back('0');
      while (i < n.size() && ascii_digit(n[i])) ++i;
      continue;
    }
    out.push_back(ascii_upper(c) ? static_cast<char>(c - 'A' + 'a') : c);
    ++i;
  }
  return out;
}

void extract_features(std::string_view text, const FeatureSpec& spec, FeatureSink& sink) {
  if (spec.char_max > 0 || spec.skip_max > 0 || spec.char4_weight > 0 || spec.edges) {
    // Byte offsets of the code points, spaces left out so that n-grams span them.
    std::string compact;
    std::vector<size_t> starts;
    for (size_t i = 0; i < text.size();) {
      const size_t at = i;
      if (utf8::next(text, i) == U' ') continue;
      starts.push_back(compact.size());
      compact.append(text.substr(at, i - at));
    }
    starts.push_back(compact.size());
    const size_t count = starts.size() - 1;
    const std::string_view all(compact);
    const size_t lo = static_cast<size_t>(spec.char_min < 1 ? 1 : spec.char_min);
    const size_t hi = static_cast<size_t>(spec.char_max > 9 ? 9 : spec.char_max);
    for (size_t n = lo; n <= hi && spec.char_max > 0; ++n)
      for (size_t p = 0; p + n <= count; ++p)
        sink.emit(static_cast<char>('0' + n), all.substr(starts[p], starts[p + n] - starts[p]));
    if (spec.char4_weight > 0)
      for (size_t p = 0; p + 4 <= count; ++p)
        sink.emit('q', all.substr(starts[p], starts[p + 4] - starts[p]));
    if (spec.edges) {
      // Skip a leading place name (letters and digits, then 市/区/县) and punctuation-free edges.
      size_t first = 0;
      while (first < count && starts[first + 1] - starts[first] == 1) ++first;
      if (first > 0 && first < count) {
        const std::string_view c = all.substr(starts[first], starts[first + 1] - starts[first]);
        if (c == "市" || c == "区" || c == "县") ++first;
      }
      if (first + 2 <= count) {
        sink.emit('x', all.substr(starts[first], starts[first + 2] - starts[first]));
        sink.emit('y', all.substr(starts[count - 2], starts[count] - starts[count - 2]));
      }
    }
    std::string pair;
    for (size_t g = 1; g <= static_cast<size_t>(spec.skip_max > 3 ? 3 : spec.skip_max); ++g)
      for (size_t p = 0; p + g + 1 < count; ++p) {
        const size_t q = p + g + 1;
        pair.assign(all.substr(starts[p], starts[p + 1] - starts[p]));
        pair.append(all.substr(starts[q], starts[q + 1] - starts[q]));
        sink.emit(static_cast<char>('s' + g - 1), pair);
      }
  }
  if (spec.word_max > 0) {
    std::vector<std::string> owned;
    std::vector<std::string_view> words;
    if (spec.segmenter == FeatureSpec::Segmenter::kLexicon && spec.lexicon) {
      spec.lexicon->segment(text, words);
    } else {
      owned = segment(text);
      words.assign(owned.begin(), owned.end());
    }
    const size_t lo = static_cast<size_t>(spec.word_min < 1 ? 1 : spec.word_min);
    const size_t hi = static_cast<size_t>(spec.word_max > 9 ? 9 : spec.word_max);
    std::string joined;
    for (size_t n = lo; n <= hi; ++n)
      for (size_t p = 0; p + n <= words.size(); ++p) {
        joined.clear();
        for (size_t k = 0; k < n; ++k) {
          if (k) joined.push_back('_');
          joined.append(words[p + k]);
        }
        sink.emit(static_cast<char>('a' + n - 1), joined);
      }
  }
}

void text_features(std::string_view raw, const FeatureSpec& spec, FeatureSink& sink) {
  std::vector<std::string> places;
  const std::string text = model_text(raw, spec, spec.place_features ? &places : nullptr);
  extract_features(text, spec, sink);
  for (const auto& p : places) {
    sink.emit('p', p);
    sink.emit('p', std::string_view(p).substr(0, 1));
  }
}

std::uint64_t feature_hash(char kind, std::string_view feature) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](unsigned char b) {
    h ^= b;
    h *= 0x100000001b3ULL;
  };
  mix(static_cast<unsigned char>(kind));
  for (char c : feature) mix(static_cast<unsigned char>(c));
  return h;
}

std::vector<std::uint64_t> feature_hashes(std::string_view raw, const FeatureSpec& spec) {
  struct Sink : FeatureSink {
    std::vector<std::uint64_t> out;
    void emit(char kind, std::string_view f) override { out.push_back(feature_hash(kind, f)); }
  } sink;
  text_features(raw, spec, sink);
  return std::move(sink.out);
}

std::vector<std::string> feature_tokens(std::string_view raw, const FeatureSpec& spec) {
  struct Sink : FeatureSink {
    std::vector<std::string> out;
    void emit(char kind, std::string_view f) override {
      std::string t(1, kind);
      t.push_back(':');
      // fastText splits its input on whitespace; model text has single spaces only between chars
      // that char n-grams skip, and words never contain them, so this is a safety net.
      for (char c : f)
        t.push_back(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ? '_'
                                                                                              : c);
      out.push_back(std::move(t));
    }
  } sink;
  text_features(raw, spec, sink);
  return std::move(sink.out);
}

}  // namespace civicgrid::text
