// The C++ function-call harness: a main() that parses the JSON argument array, converts each value to
// the function's own parameter types (deduced from its signature, free function or Solution method),
// calls it, and writes the JSON of the result to fd 4. Compiled together with the solution.
export function cppHarness(name: string, isMethod: boolean): string {
  const call = isMethod ? `sstar::call_method(&Solution::${name}, args)` : `sstar::call_free(${name}, args)`;
  return String.raw`#include "solution.cpp"
#include <unistd.h>
#include <cctype>
#include <cstring>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace sstar {
struct J {
  enum K { Null, Bool, Num, Str, Arr, Obj } k = Null;
  bool b = false;
  std::string num, s;  // numbers keep their text so big integers survive
  std::vector<J> a;
  std::vector<std::pair<std::string, J>> o;
};
struct P {
  const std::string& t; size_t i = 0;
  void ws() { while (i < t.size() && isspace((unsigned char)t[i])) i++; }
  [[noreturn]] void fail() { fprintf(stderr, "sstar harness: bad JSON input at %zu\n", i); _exit(2); }
  std::string str() {
    std::string r; i++;
    while (i < t.size() && t[i] != '"') {
      char c = t[i++];
      if (c != '\\') { r += c; continue; }
      if (i >= t.size()) fail();
      char e = t[i++];
      if (e == 'n') r += '\n'; else if (e == 't') r += '\t'; else if (e == 'r') r += '\r';
      else if (e == 'b') r += '\b'; else if (e == 'f') r += '\f';
      else if (e == 'u') {
        if (i + 4 > t.size()) fail();
        unsigned cp = std::stoul(t.substr(i, 4), nullptr, 16); i += 4;
        if (cp < 0x80) r += (char)cp;
        else if (cp < 0x800) { r += (char)(0xC0 | (cp >> 6)); r += (char)(0x80 | (cp & 0x3F)); }
        else { r += (char)(0xE0 | (cp >> 12)); r += (char)(0x80 | ((cp >> 6) & 0x3F)); r += (char)(0x80 | (cp & 0x3F)); }
      } else r += e;
    }
    if (i >= t.size()) fail();
    i++;
    return r;
  }
  J val() {
    ws(); J j; if (i >= t.size()) fail();
    char c = t[i];
    if (c == '[') { j.k = J::Arr; i++; ws(); if (t[i] == ']') { i++; return j; }
      while (true) { j.a.push_back(val()); ws(); if (t[i] == ',') { i++; continue; } if (t[i] == ']') { i++; return j; } fail(); } }
    if (c == '{') { j.k = J::Obj; i++; ws(); if (t[i] == '}') { i++; return j; }
      while (true) { ws(); if (t[i] != '"') fail(); std::string key = str(); ws(); if (t[i] != ':') fail(); i++;
        j.o.emplace_back(key, val()); ws(); if (t[i] == ',') { i++; continue; } if (t[i] == '}') { i++; return j; } fail(); } }
    if (c == '"') { j.k = J::Str; j.s = str(); return j; }
    if (t.compare(i, 4, "true") == 0) { j.k = J::Bool; j.b = true; i += 4; return j; }
    if (t.compare(i, 5, "false") == 0) { j.k = J::Bool; i += 5; return j; }
    if (t.compare(i, 4, "null") == 0) { i += 4; return j; }
    size_t st = i; while (i < t.size() && (isdigit((unsigned char)t[i]) || strchr("+-.eE", t[i]))) i++;
    if (st == i) fail();
    j.k = J::Num; j.num = t.substr(st, i - st); return j;
  }
};

template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_pair : std::false_type {};
template <class A, class B> struct is_pair<std::pair<A, B>> : std::true_type {};

template <class T> T from(const J& j) {
  if constexpr (std::is_same_v<T, bool>) return j.k == J::Bool ? j.b : j.num != "0";
  else if constexpr (std::is_same_v<T, char>) return j.s.empty() ? '\0' : j.s[0];
  else if constexpr (std::is_integral_v<T>) return (T)std::stoll(j.num);
  else if constexpr (std::is_floating_point_v<T>) return (T)std::stod(j.num);
  else if constexpr (std::is_same_v<T, std::string>) return j.s;
  else if constexpr (is_vector<T>::value) {
    T r; for (const J& x : j.a) r.push_back(from<typename T::value_type>(x)); return r;
  } else if constexpr (is_pair<T>::value) {
    return T(from<typename T::first_type>(j.a.at(0)), from<typename T::second_type>(j.a.at(1)));
  } else static_assert(sizeof(T) == 0, "sstar harness: unsupported parameter type");
}

inline void quote(std::ostringstream& o, const std::string& s) {
  o << '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') o << '\\' << c;
    else if (c == '\n') o << "\\n"; else if (c == '\t') o << "\\t"; else if (c == '\r') o << "\\r";
    else if (c < 0x20) { char b[8]; snprintf(b, sizeof b, "\\u%04x", c); o << b; }
    else o << c;
  }
  o << '"';
}
template <class T> void dump(std::ostringstream& o, const T& v) {
  if constexpr (std::is_same_v<T, bool>) o << (v ? "true" : "false");
  else if constexpr (std::is_same_v<T, char>) quote(o, std::string(1, v));
  else if constexpr (std::is_integral_v<T>) o << +v;
  else if constexpr (std::is_floating_point_v<T>) { char b[64]; snprintf(b, sizeof b, "%.17g", (double)v); o << b; }
  else if constexpr (std::is_convertible_v<T, std::string>) quote(o, std::string(v));
  else if constexpr (is_pair<T>::value) { o << '['; dump(o, v.first); o << ','; dump(o, v.second); o << ']'; }
  else { o << '['; bool first = true; for (const auto& x : v) { if (!first) o << ','; first = false; dump(o, x); } o << ']'; }
}

template <class R, class... A, size_t... I>
R apply_free(R (*f)(A...), const J& args, std::index_sequence<I...>) {
  std::tuple<std::decay_t<A>...> vals(from<std::decay_t<A>>(args.a.at(I))...);
  return f(std::get<I>(vals)...);
}
template <class R, class... A> R call_free(R (*f)(A...), const J& args) {
  return apply_free(f, args, std::index_sequence_for<A...>{});
}
template <class C, class R, class... A, size_t... I>
R apply_method(R (C::*f)(A...), const J& args, std::index_sequence<I...>) {
  std::tuple<std::decay_t<A>...> vals(from<std::decay_t<A>>(args.a.at(I))...);
  C obj;
  return (obj.*f)(std::get<I>(vals)...);
}
template <class C, class R, class... A> R call_method(R (C::*f)(A...), const J& args) {
  return apply_method(f, args, std::index_sequence_for<A...>{});
}
}  // namespace sstar

int main() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  sstar::P parser{text};
  sstar::J args = parser.val();
  if (args.k != sstar::J::Arr) { fprintf(stderr, "sstar harness: the input must be a JSON array of arguments\n"); return 2; }
  std::ostringstream out;
  sstar::dump(out, ${call});
  std::string s = out.str();
  for (size_t off = 0; off < s.size();) {
    ssize_t n = write(4, s.data() + off, s.size() - off);
    if (n <= 0) return 3;
    off += (size_t)n;
  }
  return 0;
}
`;
}
