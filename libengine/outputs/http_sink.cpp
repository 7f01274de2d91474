// HTTP(S) output: POSTs the JSON alert with libcurl, like Falco's http_output (falcosidekick
// accepts exactly this body).
#include <curl/curl.h>
#include <strings.h>

#include <mutex>

#include "vigil/engine/alert_sink.h"

namespace vigil::engine {

namespace {

size_t discard_body(char*, size_t size, size_t nmemb, void*) { return size * nmemb; }

class HttpSink final : public AlertSink {
 public:
  explicit HttpSink(HttpSinkOptions o) : o_(std::move(o)) {
    // libcurl's global init is once per process and (since 7.84) thread-safe.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    bool custom_type = false;
    for (auto& [k, v] : o_.headers) {
      headers_ = curl_slist_append(headers_, (k + ": " + v).c_str());
      custom_type |= strcasecmp(k.c_str(), "Content-Type") == 0;
    }
    if (!custom_type) headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    // curl would otherwise send "Expect: 100-continue" for large alerts and wait for the answer.
    headers_ = curl_slist_append(headers_, "Expect:");
  }
  ~HttpSink() override {
    if (curl_) curl_easy_cleanup(curl_);
    curl_slist_free_all(headers_);
  }

  Status write(const RenderedAlert& alert) override {
    if (!curl_) curl_ = curl_easy_init();
    if (!curl_) return Error{"http output: curl_easy_init failed"};
    CURL* c = curl_;
    curl_easy_setopt(c, CURLOPT_URL, o_.url.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, alert.json.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(alert.json.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(c, CURLOPT_USERAGENT, o_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // worker threads must not get SIGALRM
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o_.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, o_.keep_alive ? 0L : 1L);
    if (o_.insecure) {
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!o_.ca_cert.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o_.ca_cert.c_str());
    if (!o_.ca_path.empty()) curl_easy_setopt(c, CURLOPT_CAPATH, o_.ca_path.c_str());
    if (!o_.client_cert.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, o_.client_cert.c_str());
    if (!o_.client_key.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, o_.client_key.c_str());

    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) return Error{std::string("http output: ") + curl_easy_strerror(rc), o_.url};
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code > 299) return Error{"http output: server answered " + std::to_string(code), o_.url};
    return {};
  }

  bool needs_json() const override { return true; }

  Status reopen() override {
    if (curl_) curl_easy_cleanup(curl_);
    curl_ = nullptr;
    return {};
  }

 private:
  HttpSinkOptions o_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
};

}  // namespace

std::unique_ptr<AlertSink> make_http_sink(HttpSinkOptions options) { return std::make_unique<HttpSink>(std::move(options)); }

}  // namespace vigil::engine
