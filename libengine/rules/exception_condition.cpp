#include "rules/exception_condition.h"

namespace vigil::engine::rules {
namespace {

// Scalars with a space and no leading quote are double-quoted (no escaping, as Falco does).
std::string quote(const std::string& v) {
  if (v.find(' ') != std::string::npos && !v.empty() && v[0] != '"' && v[0] != '\'') return '"' + v + '"';
  return v;
}

bool list_comp(const std::string& comp) {
  return comp == "in" || comp == "intersects" || comp == "pmatch" || comp.find(' ') != std::string::npos;
}

std::string render_list(const std::vector<std::string>& items) {
  std::string s = "(";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s += ", ";
    s += quote(items[i]);
  }
  return s + ")";
}

std::string render_value(const ExceptionValue& v, const std::string& comp) {
  if (v.is_list) return render_list(v.items);
  std::string s = quote(v.scalar);
  if (list_comp(comp) && (s.empty() || s[0] != '(')) return "(" + s + ")";
  return s;
}

}  // namespace

bool condition_with_exceptions(const RuleDef& rule, std::string& out, std::string& error) {
  std::string extra;
  for (const auto& ex : rule.exceptions) {
    if (ex.fields.empty()) continue;
    std::string x;
    if (!ex.fields_is_list) {
      std::vector<std::string> vals;
      for (auto& row : ex.values)
        for (auto& v : row) {
          if (v.is_list)
            for (auto& i : v.items) vals.push_back(i);
          else
            vals.push_back(v.scalar);
        }
      if (vals.empty()) continue;
      x = "(" + ex.fields[0] + " " + (ex.comps.empty() ? std::string("in") : ex.comps[0]) + " " + render_list(vals) + ")";
    } else {
      std::string rows;
      for (auto& row : ex.values) {
        if (row.size() != ex.fields.size()) {
          error = "Fields and values lists must have equal length";
          return false;
        }
        std::string r = "(";
        for (size_t i = 0; i < row.size(); ++i) {
          if (i) r += " and ";
          const std::string& comp = i < ex.comps.size() ? ex.comps[i] : std::string("=");
          r += " " + ex.fields[i] + " " + comp + " " + render_value(row[i], comp);
        }
        r += ")";
        if (!rows.empty()) rows += " or ";
        rows += r;
      }
      if (rows.empty()) continue;
      x = "(" + rows + ")";
    }
    extra += " and not " + x;
  }
  out = extra.empty() ? rule.condition : "(" + rule.condition + ")" + extra;
  return true;
}

}  // namespace vigil::engine::rules
