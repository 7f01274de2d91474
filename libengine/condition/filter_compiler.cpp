#include "condition/filter_compiler.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include "condition/parser.h"
#include "eval/check_nodes.h"
#include "eval/matcher.h"
#include "eval/value_source.h"

namespace vigil::engine::condition {
namespace {

using eval::Op;
using eval::TypeClass;
using inspect::FieldType;

bool parse_op(const std::string& s, Op& op) {
  static const std::pair<const char*, Op> kOps[] = {
      {"=", Op::Eq}, {"==", Op::Eq}, {"!=", Op::Ne}, {"<", Op::Lt}, {"<=", Op::Le}, {">", Op::Gt},
      {">=", Op::Ge}, {"contains", Op::Contains}, {"icontains", Op::IContains}, {"bcontains", Op::BContains},
      {"startswith", Op::StartsWith}, {"bstartswith", Op::BStartsWith}, {"endswith", Op::EndsWith},
      {"glob", Op::Glob}, {"iglob", Op::IGlob}, {"regex", Op::Regex}, {"in", Op::In},
      {"intersects", Op::Intersects}, {"pmatch", Op::PMatch}, {"exists", Op::Exists}};
  for (auto& [n, o] : kOps)
    if (s == n) {
      op = o;
      return true;
    }
  return false;
}

const char* type_name(FieldType t) {
  switch (t) {
    case FieldType::Int16: return "int16";
    case FieldType::Int32: return "int32";
    case FieldType::Int64: return "int64";
    case FieldType::Uint32: return "uint32";
    case FieldType::Uint64: return "uint64";
    case FieldType::CharBuf: return "string";
    case FieldType::ByteBuf: return "bytebuf";
    case FieldType::Bool: return "bool";
    case FieldType::Double: return "double";
    case FieldType::AbsTime: return "abstime";
    case FieldType::RelTime: return "reltime";
    case FieldType::IpAddr: return "ipaddr";
    case FieldType::IpNet: return "ipnet";
    case FieldType::Port: return "port";
    case FieldType::Dyn: return "dynamic";
    case FieldType::ListCharBuf: return "list";
  }
  return "unknown";
}

bool op_allowed(Op op, TypeClass tc, bool is_list) {
  if (op == Op::Exists) return true;
  if (is_list) return op == Op::In || op == Op::Intersects;
  switch (tc) {
    case TypeClass::Signed: case TypeClass::Unsigned: case TypeClass::Double:
      return op == Op::Eq || op == Op::Ne || op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge ||
             op == Op::In || op == Op::Intersects;
    case TypeClass::Bool: case TypeClass::Ip: case TypeClass::IpNet:
      return op == Op::Eq || op == Op::Ne || op == Op::In || op == Op::Intersects;
    case TypeClass::String:
      return op != Op::BContains && op != Op::BStartsWith;
    case TypeClass::Bytes:
      return op == Op::Eq || op == Op::Ne || op == Op::Contains || op == Op::BContains || op == Op::StartsWith ||
             op == Op::BStartsWith || op == Op::EndsWith || op == Op::In || op == Op::Intersects;
    case TypeClass::Dynamic:
      return true;
  }
  return false;
}

bool looks_like_field_name(std::string_view s) {
  bool dot = false;
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (c == '.') dot = true;
    else if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '[' && c != ']') return false;
  }
  return dot;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool is_deprecated_field(std::string_view n) {
  return n == "evt.dir" || n == "evt.latency" || n == "evt.latency.s" || n == "evt.latency.ns" ||
         n == "evt.latency.human" || n == "evt.wait_latency";
}

struct Typed {
  eval::SourcePtr src;
  FieldType type = FieldType::CharBuf;
  bool is_list = false;
  bool transformed = false;
  uint32_t flags = 0;
};

class Compilation {
 public:
  Compilation(const inspect::FieldRegistry& f, const EventTypeNames& t, std::vector<CompileMessage>& m)
      : fields_(f), types_(t), msgs_(m) {}

  eval::FilterPtr node(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::And:
      case Expr::Kind::Or: {
        std::vector<eval::FilterPtr> kids;
        for (auto& c : e.children) {
          auto k = node(c);
          if (!k) return nullptr;
          kids.push_back(std::move(k));
        }
        return e.kind == Expr::Kind::And ? eval::make_and(std::move(kids)) : eval::make_or(std::move(kids));
      }
      case Expr::Kind::Not: {
        auto k = node(e.children[0]);
        return k ? eval::make_not(std::move(k)) : nullptr;
      }
      case Expr::Kind::MacroRef:
        return error(e.pos.offset, "Undefined macro '" + e.identifier + "' used in filter.");
      case Expr::Kind::Check:
        return check(e);
    }
    return nullptr;
  }

  bool operand(const Operand& o, Typed& out, bool as_rhs) {
    if (o.kind == Operand::Kind::Field) {
      if (is_deprecated_field(o.name)) {
        warn(o.pos.offset, "LOAD_DEPRECATED_ITEM",
             "usage of deprecated field '" + o.name + "' has been detected in the rule condition");
      }
      std::optional<std::string_view> arg;
      if (o.arg) arg = *o.arg;
      auto bound = fields_.bind(o.name, arg);
      if (!bound.ok()) {
        error(o.pos.offset, bound.error().message, true);
        return false;
      }
      const auto& info = (*bound)->info();
      out.type = info.type;
      out.flags = info.flags;
      out.is_list = (info.flags & inspect::kFieldIsList) || info.type == FieldType::ListCharBuf;
      if (as_rhs && (info.flags & inspect::kFieldNoRhs)) {
        error(o.pos.offset, "field '" + o.name + "' cannot be used in a field-to-field comparison");
        return false;
      }
      out.src = eval::make_field_source(std::move(bound.value()));
      out.src->type = out.type;
      out.src->is_list = out.is_list;
      return true;
    }
    if (o.kind == Operand::Kind::Transformer) return transformer(o, out);
    if (o.kind == Operand::Kind::Value && !o.args.empty()) return operand(o.args[0], out, true);
    if (o.kind == Operand::Kind::Literal) {
      out.src = eval::make_literal_source(o.name);
      out.type = FieldType::CharBuf;
      return true;
    }
    error(o.pos.offset, "unexpected operand");
    return false;
  }

  bool transformer(const Operand& o, Typed& out) {
    out.transformed = true;
    if (o.arg && o.name != "getopt") {
      error(o.pos.offset, "transformer '" + o.name + "' does not take an argument: only getopt() has an option selector");
      return false;
    }
    std::vector<Typed> args;
    for (auto& a : o.args) {
      Typed t;
      if (a.kind == Operand::Kind::ArgList) {
        std::vector<eval::SourcePtr> items;
        for (auto& it : a.args) {
          Typed ti;
          if (!operand(it, ti, false)) return false;
          items.push_back(std::move(ti.src));
        }
        t.src = eval::make_list_source(std::move(items));
        t.is_list = true;
        t.type = FieldType::CharBuf;
      } else {
        if (!operand(a, t, false)) return false;
        if (a.kind == Operand::Kind::Field && (t.flags & inspect::kFieldNoTransformer)) {
          error(a.pos.offset, "field '" + a.name + "' does not support transformers");
          return false;
        }
      }
      args.push_back(std::move(t));
    }
    auto bad_type = [&](const Typed& t) {
      error(o.pos.offset, "can't add field transformer: type '" + std::string(type_name(t.type)) +
                              "' is not supported by '" + o.name + "' transformer");
      return false;
    };
    auto single = [&]() {
      if (args.size() != 1) {
        error(o.pos.offset, "transformer '" + o.name + "' takes exactly one argument");
        return false;
      }
      return true;
    };
    eval::TransformerKind kind;
    std::vector<eval::SourcePtr> srcs;
    if (o.name == "tolower" || o.name == "toupper" || o.name == "basename") {
      if (!single()) return false;
      if (args[0].type != FieldType::CharBuf && args[0].type != FieldType::ListCharBuf) return bad_type(args[0]);
      kind = o.name == "tolower" ? eval::TransformerKind::ToLower
             : o.name == "toupper" ? eval::TransformerKind::ToUpper : eval::TransformerKind::Basename;
      out.type = args[0].type;
      out.is_list = args[0].is_list;
    } else if (o.name == "b64") {
      if (!single()) return false;
      if (args[0].type != FieldType::CharBuf && args[0].type != FieldType::ByteBuf) return bad_type(args[0]);
      kind = eval::TransformerKind::B64;
      out.type = args[0].type;
      out.is_list = args[0].is_list;
    } else if (o.name == "len") {
      if (!single()) return false;
      auto t = args[0].type;
      if (t != FieldType::CharBuf && t != FieldType::ByteBuf && !args[0].is_list) return bad_type(args[0]);
      kind = eval::TransformerKind::Len;
      out.type = FieldType::Uint64;
      out.is_list = false;
    } else if (o.name == "join") {
      if (args.size() != 2 || !args[1].is_list || args[0].is_list) {
        error(o.pos.offset, "join() takes a separator and a list-valued argument");
        return false;
      }
      kind = eval::TransformerKind::Join;
      out.type = FieldType::CharBuf;
    } else if (o.name == "concat") {
      if (args.size() < 2) {
        error(o.pos.offset, "concat() takes at least two arguments");
        return false;
      }
      for (auto& a : args)
        if (a.is_list || (a.type != FieldType::CharBuf)) return bad_type(a);
      kind = eval::TransformerKind::Concat;
      out.type = FieldType::CharBuf;
    } else if (o.name == "getopt") {
      return getopt(o, args, out);
    } else {
      error(o.pos.offset, "transformer '" + o.name + "' is not supported", false);
      return false;
    }
    for (auto& a : args) srcs.push_back(std::move(a.src));
    out.src = eval::make_transformer(kind, std::move(srcs));
    out.src->type = out.type;
    out.src->is_list = out.is_list;
    return true;
  }

  // getopt(argv-list, optstring)[c] (§B.11).
  bool getopt(const Operand& o, std::vector<Typed>& args, Typed& out) {
    if (args.size() != 2) {
      error(o.pos.offset, "getopt() takes an argument list and an option string");
      return false;
    }
    if (!args[0].is_list || (args[0].type != FieldType::CharBuf && args[0].type != FieldType::ListCharBuf)) {
      error(o.args[0].pos.offset, "getopt() takes a list of strings as its first argument");
      return false;
    }
    if (args[1].is_list || args[1].type != FieldType::CharBuf) {
      error(o.args[1].pos.offset, "getopt() takes a single string (the option string) as its second argument");
      return false;
    }
    std::optional<char> selector;
    if (o.arg) {
      const std::string& c = *o.arg;
      if (c.size() != 1 || c[0] == ':' || c[0] == '-') {
        error(o.pos.offset, "getopt() option selector must be one option character, not '" + c + "'");
        return false;
      }
      const Operand& spec = o.args[1];
      if (spec.kind == Operand::Kind::Literal && spec.name.find(c[0]) == std::string::npos) {
        error(o.pos.offset, "getopt() option '" + c + "' is not in the option string '" + spec.name + "'");
        return false;
      }
      selector = c[0];
    }
    out.src = eval::make_getopt(std::move(args[0].src), std::move(args[1].src), selector);
    out.type = FieldType::CharBuf;
    out.is_list = !selector;
    return true;
  }

  void literal_advice(const Operand& lit) {
    if (lit.kind != Operand::Kind::Literal) return;
    std::string t = trim(lit.name);
    for (std::string_view tn : {"tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"}) {
      if (t.size() > tn.size() && t.compare(0, tn.size(), tn) == 0 && t[tn.size()] == '(') {
        warn(lit.pos.offset, "LOAD_COMPILE_CONDITION",
             "'" + lit.name + "' may be a valid field transformer misused as a const string value");
        return;
      }
    }
    if (!looks_like_field_name(t)) return;
    std::string name = t;
    std::optional<std::string> arg;
    auto br = t.find('[');
    if (br != std::string::npos && t.back() == ']') {
      name = t.substr(0, br);
      arg = t.substr(br + 1, t.size() - br - 2);
    }
    std::optional<std::string_view> av;
    if (arg) av = *arg;
    if (fields_.bind(name, av).ok()) {
      warn(lit.pos.offset, "LOAD_COMPILE_CONDITION",
           "'" + lit.name + "' may be a valid field misused as a const string value");
    }
  }

  void na_advice(const Expr& e) {
    const Operand* f = &e.lhs;
    // The flag reflects the last field visited inside a transformer.
    std::function<const Operand*(const Operand&)> last_field = [&](const Operand& o) -> const Operand* {
      if (o.kind == Operand::Kind::Field) return &o;
      const Operand* r = nullptr;
      for (auto& a : o.args)
        if (auto* x = last_field(a)) r = x;
      return r;
    };
    f = last_field(e.lhs);
    if (!f || !e.rhs) return;
    bool unsafe = f->name.starts_with("ka.") || f->name.starts_with("jevt.");
    if (!unsafe) return;
    static const char* kOps[] = {"=", "==", "!=", "in", "intersects", "pmatch"};
    if (std::find_if(std::begin(kOps), std::end(kOps), [&](const char* o) { return e.op == o; }) == std::end(kOps))
      return;
    bool na = false;
    if (e.rhs->kind == Operand::Kind::Literal) na = e.rhs->name == "<NA>";
    for (auto& a : e.rhs->args)
      if (a.kind == Operand::Kind::Literal && a.name == "<NA>") na = true;
    if (na) warn(e.pos.offset, "LOAD_UNSAFE_NA_CHECK", "comparing a field value with <NA> is unsafe and can lead to unexpected results");
  }

  eval::FilterPtr check(const Expr& e) {
    Op op;
    if (!parse_op(e.op, op)) return error(e.pos.offset, "unknown operator '" + e.op + "'");
    na_advice(e);
    const Operand& lhs = e.lhs;
    // evt.type comparisons become a bit test on the event's code.
    if (lhs.kind == Operand::Kind::Field && !lhs.arg && (lhs.name == "evt.type" || lhs.name == "syscall.type") &&
        e.modifier == Modifier::None && e.rhs &&
        (e.rhs->kind == Operand::Kind::Literal || e.rhs->kind == Operand::Kind::List) &&
        (op == Op::Eq || op == Op::Ne || op == Op::In || op == Op::Intersects)) {
      eval::EventCodeSet set;
      std::vector<const Operand*> vals;
      if (e.rhs->kind == Operand::Kind::Literal) vals.push_back(&*e.rhs);
      else
        for (auto& a : e.rhs->args) vals.push_back(&a);
      std::bitset<1024> syscalls;
      for (auto* v : vals) {
        int sc = types_.generic_syscall_code(v->name);
        if (sc >= 0) {
          syscalls.set(static_cast<size_t>(sc));
          continue;
        }
        auto* codes = types_.find(v->name);
        if (!codes) return error(v->pos.offset, "unknown event type " + v->name, true);
        set |= *codes;
      }
      auto t = syscalls.any() ? eval::make_event_type_test(set, syscalls) : eval::make_event_type_test(set);
      return op == Op::Ne ? eval::make_not(std::move(t)) : std::move(t);
    }
    Typed l;
    if (!operand(lhs, l, false)) return nullptr;
    if (l.transformed && lhs.kind == Operand::Kind::Transformer) {
      // NO_TRANSFORMER checked inside transformer().
    }
    TypeClass tc = eval::type_class(l.type);
    if (!op_allowed(op, tc, l.is_list)) {
      return error(e.pos.offset, "'" + e.op + "' operator not supported for " +
                                     std::string(l.is_list ? "list" : type_name(l.type)) + " filters");
    }
    if (op == Op::Exists) return eval::make_check(std::move(l.src), op, eval::ValueMatcher());
    if (!e.rhs) return error(e.pos.offset, "missing value");
    const Operand& rhs = *e.rhs;
    if (rhs.kind == Operand::Kind::Value || rhs.kind == Operand::Kind::Transformer) {
      if (op == Op::PMatch || op == Op::Regex || tc == TypeClass::IpNet)
        return error(e.pos.offset, "operator '" + e.op + "' does not support field-to-field comparison");
      if (lhs.kind == Operand::Kind::Field && (l.flags & inspect::kFieldNoRhs))
        return error(e.pos.offset, "field '" + lhs.name + "' cannot be used in a field-to-field comparison");
      Typed r;
      if (!operand(rhs, r, true)) return nullptr;
      if (r.type != l.type || r.is_list != l.is_list)
        return error(rhs.pos.offset, "field-to-field comparison requires both sides to have the same type (" +
                                         std::string(type_name(l.type)) + " vs " + type_name(r.type) + ")");
      return eval::make_field_compare(std::move(l.src), op, std::move(r.src));
    }
    if (e.modifier != Modifier::None) {
      if ((tc == TypeClass::Ip || tc == TypeClass::IpNet) && op != Op::Eq && op != Op::Ne)
        return error(e.pos.offset, "'" + e.op + "' operator not supported with list modifiers for ip filters");
      std::vector<eval::ValueMatcher> ms;
      for (auto& a : rhs.args) {
        literal_advice(a);
        eval::ValueMatcher m;
        std::string err;
        if (!m.init(op, tc, {a.name}, err)) return error(a.pos.offset, err);
        ms.push_back(std::move(m));
      }
      return eval::make_modifier_check(std::move(l.src), e.modifier, std::move(ms));
    }
    std::vector<std::string> values;
    if (rhs.kind == Operand::Kind::List) {
      for (auto& a : rhs.args) {
        literal_advice(a);
        values.push_back(a.name);
      }
      if (op != Op::In && op != Op::Intersects && op != Op::PMatch)
        return error(rhs.pos.offset, "operator '" + e.op + "' does not take a list");
    } else {
      literal_advice(rhs);
      values.push_back(rhs.name);
      if (op == Op::In || op == Op::Intersects || op == Op::PMatch)
        return error(rhs.pos.offset, "operator '" + e.op + "' requires a list");
    }
    eval::ValueMatcher m;
    std::string err;
    if (!m.init(op, tc, values, err)) return error(rhs.pos.offset, err);
    return eval::make_check(std::move(l.src), op, std::move(m));
  }

 private:
  std::nullptr_t error(uint32_t off, std::string msg, bool unknown = false) {
    msgs_.push_back({true, "LOAD_ERR_COMPILE_CONDITION", std::move(msg), off, unknown});
    return nullptr;
  }
  void warn(uint32_t off, const char* code, std::string msg) {
    for (auto& m : msgs_)
      if (!m.error && m.message == msg) return;
    msgs_.push_back({false, code, std::move(msg), off, false});
  }

  const inspect::FieldRegistry& fields_;
  const EventTypeNames& types_;
  std::vector<CompileMessage>& msgs_;
};

}  // namespace

eval::FilterPtr FilterCompiler::compile(const Expr& e, std::vector<CompileMessage>& messages) const {
  Compilation c(fields_, types_, messages);
  return c.node(e);
}

eval::SourcePtr FilterCompiler::compile_value(const Operand& o, std::string& error) const {
  std::vector<CompileMessage> msgs;
  Compilation c(fields_, types_, msgs);
  Typed t;
  if (!c.operand(o, t, false)) {
    for (auto& m : msgs)
      if (m.error) error = m.message;
    return nullptr;
  }
  return std::move(t.src);
}

bool FilterCompiler::valid_lhs(const std::string& text) const {
  Operand o;
  ParseError err;
  if (!parse_operand(text, o, err)) return false;
  std::vector<CompileMessage> msgs;
  Compilation c(fields_, types_, msgs);
  Typed t;
  return c.operand(o, t, false);
}

}  // namespace vigil::engine::condition
