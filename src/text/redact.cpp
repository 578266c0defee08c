// Removal of personal data: numbers (phones, ID numbers, bank cards), e-mail addresses, licence
// plates; house numbers and names are in redact_address.cpp. The scanners look at folded code
// points and report spans, so replacing them keeps every other byte of the text.
#include <algorithm>
#include <optional>

#include "text/redact_scan.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace redact_detail {

Scan::Scan(std::string_view text) {
  cp.reserve(text.size());
  offset.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size();) {
    offset.push_back(i);
    char32_t c = utf8::next(text, i);
    // The full-width comma ends a clause ("手机138…，2020年"); it never groups digits.
    if (c != U'，') c = utf8::half_width(c);
    if (c == 0x3000) c = U' ';
    cp.push_back(c);
  }
  offset.push_back(text.size());
}

bool Scan::is_alnum(size_t i) const {
  if (i >= cp.size()) return false;
  const char32_t c = cp[i];
  return (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z');
}

bool Scan::starts_with(size_t i, std::u32string_view word) const {
  if (i + word.size() > cp.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (cp[i + k] != word[k]) return false;
  return true;
}

bool Scan::preceded_by(size_t i, std::initializer_list<std::u32string_view> words,
                       size_t gap) const {
  for (size_t skipped = 0; skipped <= gap; ++skipped) {
    for (auto w : words)
      if (i >= w.size() && starts_with(i - w.size(), w)) return true;
    if (i == 0) return false;
    const char32_t c = cp[i - 1];
    if (c != U' ' && c != U':' && c != U'：' && c != U'是' && c != U'为' && c != U'-') return false;
    --i;
  }
  return false;
}

namespace {

// A run of digits with single spaces or dashes between groups ("138 1234 5678", "0731-8888888").
struct NumberRun {
  struct Group {
    size_t begin, end;  // code points
  };
  std::vector<Group> groups;
  bool decimal = false;  // has "." or "," between digits: an amount or a measurement, never masked
  size_t begin() const { return groups.front().begin; }
  size_t end() const { return groups.back().end; }
};

NumberRun read_number(const Scan& s, size_t i) {
  NumberRun r;
  r.groups.push_back({i, i});
  while (i < s.size()) {
    if (s.is_digit(i)) {
      r.groups.back().end = ++i;
    } else if ((s.at(i) == U' ' || s.at(i) == U'-') && s.is_digit(i + 1)) {
      r.groups.push_back({++i, i});
    } else if ((s.at(i) == U'.' && s.is_digit(i + 1)) ||
               (s.at(i) == U',' && s.is_digit(i + 1) && s.is_digit(i + 2) && s.is_digit(i + 3) &&
                !s.is_digit(i + 4))) {
      r.decimal = true;
      r.groups.back().end = ++i;
    } else {
      break;
    }
  }
  return r;
}

// GB 11643: 6-digit region, 8-digit birth date, 3-digit sequence, ISO 7064 MOD 11-2 check.
bool valid_id_number(std::string_view d) {
  if (d.size() != 18 || d[0] < '1' || d[0] > '8') return false;
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int k = 0; k < 17; ++k) sum += (d[static_cast<size_t>(k)] - '0') * kWeights[k];
  if ("10X98765432"[sum % 11] != d[17]) return false;
  const int year = std::stoi(std::string(d.substr(6, 4)));
  const int month = std::stoi(std::string(d.substr(10, 2)));
  const int day = std::stoi(std::string(d.substr(12, 2)));
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool luhn_valid(std::string_view d) {
  int sum = 0;
  bool twice = false;
  for (size_t k = d.size(); k-- > 0;) {
    int v = d[k] - '0';
    if (twice && (v *= 2) > 9) v -= 9;
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool mobile(std::string_view d) {
  return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

const std::initializer_list<std::u32string_view> kPhoneWords = {
    U"电话", U"手机", U"座机", U"固话", U"联系方式", U"号码",
    U"致电", U"拨打", U"tel",  U"Tel",  U"TEL"};

bool is_open_paren(char32_t c) {
  return c == U'(' || c == U'（';
}
bool is_close_paren(char32_t c) {
  return c == U')' || c == U'）';
}

// What the digits in [begin, end) are, if personal; `begin` may move left over a "+" or a
// bracketed area code that belongs to the number.
std::optional<PiiKind> classify(const Scan& s, size_t& begin, size_t& end) {
  std::string d;
  for (size_t k = begin; k < end; ++k)
    if (s.is_digit(k)) d.push_back(static_cast<char>(s.at(k)));
  if (d.size() == 17 && (s.at(end) == U'X' || s.at(end) == U'x')) {
    d.push_back('X');
    ++end;
  }
  if (s.is_alnum(end)) return std::nullopt;
  if (valid_id_number(d)) return PiiKind::kIdNumber;
  if (mobile(d) || (d.size() == 13 && d.starts_with("86") && mobile(d.substr(2))) ||
      (d.size() == 15 && d.starts_with("0086") && mobile(d.substr(4)))) {
    if (begin > 0 && s.at(begin - 1) == U'+') --begin;
    return PiiKind::kPhone;
  }
  // A landline with its area code: 0731-88888888, 01088888888.
  if (d.size() >= 10 && d.size() <= 12 && d[0] == '0' && d[1] != '0') return PiiKind::kPhone;
  if (d.size() >= 16 && d.size() <= 19 && luhn_valid(d)) return PiiKind::kBankCard;
  if (d.size() < 7 || d.size() > 8) return std::nullopt;
  // A local landline number: after an area code in brackets, or after a word like 电话.
  if (begin >= 5 && is_close_paren(s.at(begin - 1))) {
    size_t k = begin - 1;
    while (k > 0 && s.is_digit(k - 1)) --k;
    if (k > 0 && is_open_paren(s.at(k - 1)) && s.at(k) == U'0' && begin - 1 - k >= 3 &&
        begin - 1 - k <= 4) {
      begin = k - 1;
      return PiiKind::kPhone;
    }
  }
  if (s.preceded_by(begin, kPhoneWords)) return PiiKind::kPhone;
  return std::nullopt;
}

}  // namespace

void find_numbers(const Scan& s, std::vector<Hit>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!s.is_digit(i) || (i > 0 && s.is_digit(i - 1))) continue;
    const NumberRun r = read_number(s, i);
    i = r.end() - 1;
    if (r.decimal) continue;
    size_t begin = r.begin(), end = r.end();
    if (auto kind = classify(s, begin, end)) {
      out.push_back({*kind, begin, end});
      i = end - 1;
      continue;
    }
    // The groups may be separate numbers ("2020-01-06 13812345678").
    if (r.groups.size() > 1)
      for (const auto& g : r.groups) {
        size_t b = g.begin, e = g.end;
        if (auto kind = classify(s, b, e)) out.push_back({*kind, b, e});
      }
  }
}

void find_emails_and_plates(const Scan& s, std::vector<Hit>& out) {
  auto local = [&](size_t k) {
    const char32_t c = s.at(k);
    return s.is_alnum(k) || c == U'.' || c == U'_' || c == U'%' || c == U'+' || c == U'-';
  };
  auto domain = [&](size_t k) { return s.is_alnum(k) || s.at(k) == U'.' || s.at(k) == U'-'; };
  for (size_t at = 0; at < s.size(); ++at) {
    if (s.at(at) != U'@') continue;
    size_t begin = at;
    while (begin > 0 && local(begin - 1)) --begin;
    size_t end = at + 1;
    while (end < s.size() && domain(end)) ++end;
    while (end > at + 1 && (s.at(end - 1) == U'.' || s.at(end - 1) == U'-'))
      --end;  // sentence punctuation
    size_t last_dot = 0;
    for (size_t k = at + 1; k < end; ++k)
      if (s.at(k) == U'.') last_dot = k;
    if (begin == at || last_dot <= at + 1 || end - last_dot < 3) continue;
    out.push_back({PiiKind::kEmail, begin, end});
    at = end;
  }
  // Licence plates (GA 36): province abbreviation, issuing-office letter, optional dot, then five
  // letters and digits (six for new-energy vehicles), e.g. 湘A·12345, 粤B3K5Z9, 京AD12345.
  static constexpr std::u32string_view kProvinces =
      U"京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
  for (size_t i = 0; i + 6 < s.size() + 1; ++i) {
    if (kProvinces.find(s.at(i)) == std::u32string_view::npos || !s.is_upper(i + 1)) continue;
    size_t k = i + 2;
    const char32_t sep = s.at(k);
    if (sep == U'·' || sep == U'•' || sep == U'・' || sep == U'.' || sep == U'-' || sep == U' ')
      ++k;
    const size_t start = k;
    int digits = 0;
    while (k < s.size() && k - start < 7 && (s.is_digit(k) || s.is_upper(k)))
      digits += s.is_digit(k++);
    const size_t len = k - start;
    if ((len != 5 && len != 6) || digits < 2 || s.is_alnum(k)) continue;
    out.push_back({PiiKind::kPlate, i, k});
    i = k - 1;
  }
}

}  // namespace redact_detail

using namespace redact_detail;

std::string_view mask_of(PiiKind kind) {
  switch (kind) {
    case PiiKind::kPhone:
      return "〔电话〕";
    case PiiKind::kIdNumber:
      return "〔身份证号〕";
    case PiiKind::kBankCard:
      return "〔银行卡号〕";
    case PiiKind::kEmail:
      return "〔邮箱〕";
    case PiiKind::kPlate:
      return "〔车牌〕";
    case PiiKind::kHouseNumber:
      return "〔门牌〕";
    case PiiKind::kName:
      return "〔姓名〕";
  }
  return "〔隐私〕";
}

std::vector<PiiSpan> find_personal_data(std::string_view text) {
  const Scan s(text);
  std::vector<Hit> hits;
  find_emails_and_plates(s, hits);  // first: an e-mail's digits are not a phone number
  find_numbers(s, hits);
  find_house_numbers(s, hits);
  find_names(s, hits);
  // Earlier starts first, longer first on ties; a hit overlapping one already taken is dropped.
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<PiiSpan> spans;
  size_t taken_to = 0;
  for (const Hit& h : hits) {
    if (h.begin < taken_to || h.end <= h.begin) continue;
    spans.push_back({h.kind, s.offset[h.begin], s.offset[h.end]});
    taken_to = h.end;
  }
  return spans;
}

std::string redact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (const PiiSpan& span : find_personal_data(text)) {
    out.append(text.substr(copied, span.begin - copied));
    out.append(mask_of(span.kind));
    copied = span.end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace civicgrid::text
