// House numbers and names. Both are found by their context: an address unit is a chain of
// "number + 栋/单元/室…", a name follows words such as 我叫 and is followed by a pause.
#include "text/redact_scan.h"
#include "text/utf8.h"

namespace civicgrid::text::redact_detail {

namespace {

bool chinese_numeral(char32_t c) {
  return std::u32string_view(U"零〇一二两三四五六七八九十百").find(c) != std::u32string_view::npos;
}

// Length of the number at i: digits, Chinese numerals, or one capital letter (A栋, B座).
size_t number_at(const Scan& s, size_t i) {
  size_t k = i;
  while (s.is_digit(k)) ++k;
  if (k > i) return k - i;
  while (k < s.size() && chinese_numeral(s.at(k))) ++k;
  if (k > i) return k - i;
  return s.is_upper(i) && !s.is_alnum(i + 1) && (i == 0 || !s.is_alnum(i - 1)) ? 1 : 0;
}

enum class Part { kBuilding, kUnit, kFloor, kRoom };

struct UnitWord {
  std::u32string_view word;
  Part part;
  size_t min_digits = 0;  // "3户居民" and "3房2厅" are counts, "501房" is a room
};

// Longest first, so 号楼 wins over 楼 and 号房 over 房.
constexpr UnitWord kUnitWords[] = {
    {U"号楼", Part::kBuilding}, {U"栋", Part::kBuilding}, {U"幢", Part::kBuilding},
    {U"座", Part::kBuilding},   {U"单元", Part::kUnit},   {U"号房", Part::kRoom},
    {U"室", Part::kRoom},       {U"房", Part::kRoom, 3},  {U"户", Part::kRoom, 3},
    {U"楼", Part::kFloor},      {U"层", Part::kFloor},
};

// One "number + unit word" at i: its end and part, or end == i.
size_t component_at(const Scan& s, size_t i, Part& part) {
  const size_t n = number_at(s, i);
  if (n == 0) return i;
  size_t k = i + n;
  for (const auto& u : kUnitWords)
    if (s.starts_with(k, u.word)) {
      if (u.min_digits && !(n >= u.min_digits && s.is_digit(i))) return i;
      part = u.part;
      k += u.word.size();
      // "3室2厅" describes a flat's layout, not where it is.
      if (part == Part::kRoom && number_at(s, k) > 0 && s.starts_with(k + number_at(s, k), U"厅"))
        return i;
      return k;
    }
  return i;
}

// The digits-dash form after an estate or a building: 3-2-501, 2-501.
size_t dashed_unit_at(const Scan& s, size_t i, int groups_needed) {
  size_t k = i;
  int groups = 0;
  size_t last = 0;
  while (s.is_digit(k)) {
    const size_t start = k;
    while (s.is_digit(k)) ++k;
    last = k - start;
    if (last > 4) return i;
    ++groups;
    if (s.at(k) == U'-' && s.is_digit(k + 1)) {
      ++k;
    } else {
      break;
    }
  }
  if (groups < groups_needed || groups > 3 || last < 3 || s.is_alnum(k)) return i;
  // "1楼2020年", "3栋500元": a year or an amount, not a room.
  if (std::u32string_view(U"年月日元号岁个人次米平万").find(s.at(k)) != std::u32string_view::npos)
    return i;
  return k;
}

bool estate_suffix(char32_t c) {
  return std::u32string_view(U"区园苑庭城府湾寓厦舍村居坊邸墅阁苑里").find(c) !=
         std::u32string_view::npos;
}

}  // namespace

void find_house_numbers(const Scan& s, std::vector<Hit>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    // A chain starts where the previous character is not part of a number.
    if (i > 0 && (s.is_alnum(i - 1) || chinese_numeral(s.at(i - 1)))) continue;
    Part part = Part::kFloor;
    size_t k = component_at(s, i, part);
    if (k == i) {
      // "XX小区3-2-501"
      if (i > 0 && estate_suffix(s.at(i - 1))) {
        const size_t end = dashed_unit_at(s, i, 3);
        if (end > i) out.push_back({PiiKind::kHouseNumber, i, end}), i = end - 1;
      }
      continue;
    }
    bool room = part == Part::kRoom;
    bool building = part == Part::kBuilding || part == Part::kUnit;
    bool several = false;
    for (;;) {
      size_t next = k;
      if (s.at(next) == U'-') ++next;
      Part p = Part::kFloor;
      const size_t e = component_at(s, next, p);
      if (e > next) {
        k = e, part = p, several = true;
        room = room || p == Part::kRoom;
        building = building || p == Part::kBuilding || p == Part::kUnit;
        continue;
      }
      // A room number without 室 after a building, unit or floor: 3栋2单元501, 3栋2-501.
      if (part != Part::kRoom) {
        const size_t d = dashed_unit_at(s, next, 1);
        if (d > next) k = d, room = true;
      }
      break;
    }
    // A room identifies a home; so do a building with its unit or floor. Floors alone ("一楼二楼
    // 都漏水") and a building alone ("5号楼") do not.
    if (room || (several && building)) {
      out.push_back({PiiKind::kHouseNumber, i, k});
      i = k - 1;
    }
  }
}

namespace {

constexpr std::u32string_view kSurnames =
    U"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    U"吕丁任沈"
    U"姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    U"武戴莫孔向"
    U"汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅"
    U"童凌毕单"
    U"季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连"
    U"芦麦褚娄"
    U"窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    U"明佘池查"
    U"麻苑迟邝胥谈";

constexpr std::u32string_view kCompoundSurnames[] = {
    U"欧阳", U"司马", U"上官", U"诸葛", U"东方", U"皇甫", U"尉迟", U"公孙", U"慕容",
    U"长孙", U"宇文", U"司徒", U"夏侯", U"令狐", U"端木", U"西门", U"南宫"};

constexpr std::u32string_view kTriggers[] = {U"我叫",   U"名叫",   U"本人",   U"联系人",
                                             U"姓名",   U"户主",   U"投诉人", U"举报人",
                                             U"反映人", U"申请人", U"当事人", U"收件人"};

// Words that may follow a name directly: "本人张三电话…", "联系人李四先生".
constexpr std::u32string_view kAfterName[] = {
    U"电话", U"手机", U"联系", U"身份证", U"家住", U"现住", U"住在", U"住址", U"是",   U"系",
    U"今年", U"男",   U"女",   U"先生",   U"女士", U"同志", U"反映", U"投诉", U"举报", U"的"};

bool han(const Scan& s, size_t i) {
  return i < s.size() && utf8::is_han(s.at(i));
}

bool pause_at(const Scan& s, size_t i) {
  if (i >= s.size() || !han(s, i)) return true;
  for (auto w : kAfterName)
    if (s.starts_with(i, w)) return true;
  return false;
}

// Length of the name at i (surname + one or two characters, followed by a pause), or 0.
size_t name_at(const Scan& s, size_t i) {
  size_t surname = 0;
  for (auto c : kCompoundSurnames)
    if (s.starts_with(i, c)) surname = 2;
  if (surname == 0 && kSurnames.find(s.at(i)) != std::u32string_view::npos) surname = 1;
  if (surname == 0) return 0;
  for (size_t given = 2; given >= 1; --given) {
    const size_t len = surname + given;
    bool all_han = true;
    for (size_t k = i; k < i + len; ++k) all_han = all_han && han(s, k);
    if (all_han && pause_at(s, i + len)) return len;
  }
  return 0;
}

}  // namespace

void find_names(const Scan& s, std::vector<Hit>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    for (auto t : kTriggers) {
      if (!s.starts_with(i, t)) continue;
      size_t k = i + t.size();
      if (t == U"本人" && s.starts_with(k, U"叫")) ++k;  // 本人叫张三
      while (k < s.size() && (s.at(k) == U':' || s.at(k) == U'：' || s.at(k) == U' ')) ++k;
      if (const size_t len = name_at(s, k)) {
        out.push_back({PiiKind::kName, k, k + len});
        i = k + len - 1;
      }
      break;
    }
  }
}

}  // namespace civicgrid::text::redact_detail
