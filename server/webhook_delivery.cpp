#include "server/webhook_delivery.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <future>
#include <random>

#include "domain/event_type.hpp"
#include "domain/field_value.hpp"
#include "domain/time_format.hpp"
#include "server/log.hpp"
#include "server/webhook_connection.hpp"
#include "server/webhook_signature.hpp"

namespace awa::server {
namespace net = boost::asio;
namespace http = boost::beast::http;
namespace wf = domain::webhook_field;

namespace {

constexpr std::chrono::seconds kFirstRetry{1};
constexpr std::chrono::seconds kLongestRetry{300};

// Whoever reads the events for the webhooks: every event (each webhook filters by type).
domain::Caller delivery_caller() {
  domain::Roles roles;
  roles.add(domain::Role::admin);
  return {domain::SysId{}, roles};
}

std::uint32_t type_mask(std::string_view list) {
  if (domain::trim_blanks(list).empty()) return ~0U;
  std::uint32_t mask = 0;
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (const auto type = domain::event_type_named(domain::trim_blanks(list.substr(0, comma)))) {
      mask |= 1U << static_cast<unsigned>(*type);
    }
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return mask;
}

}  // namespace

// What a webhook's record asks for, as delivery uses it.
struct WebhookConfig {
  std::string url_text;
  std::optional<WebhookUrl> url;
  std::uint32_t types = ~0U;
  std::size_t max_batch = 1;
  std::optional<std::vector<unsigned char>> key;
  bool active = true;

  static WebhookConfig of(const domain::Record& record) {
    WebhookConfig config;
    config.url_text = std::string(record[wf::url]);
    config.url = WebhookUrl::parse(config.url_text);
    config.types = type_mask(record[wf::events]);
    config.max_batch = static_cast<std::size_t>(std::clamp<std::int64_t>(
        domain::parse_integer(record[wf::max_batch]).value_or(1), 1, 1000));
    config.key = webhook_key(record[wf::secret]);
    config.active = record.is_true(wf::active);
    return config;
  }
};

class WebhookDelivery::Target : public std::enable_shared_from_this<Target> {
public:
  Target(net::io_context& io, net::ssl::context& tls, domain::Instance& instance,
         const domain::Clock& clock, RenderedEvents& rendered, std::chrono::seconds timeout,
         domain::SysId id, std::uint64_t delivered)
      : io_(io),
        instance_(instance),
        clock_(clock),
        rendered_(rendered),
        id_(id),
        connection_(io.get_executor(), tls, timeout),
        retry_(io),
        delivered_(delivered),
        random_(std::random_device{}()) {
    noted_.delivered_seq = delivered;
  }

  void configure(WebhookConfig config) {
    const bool changed_url = config.url != config_.url;
    config_ = std::move(config);
    if (changed_url) connection_.close();
    if (config_.active && !config_.url) {
      note_failure("the URL " + config_.url_text + " is not an http or https URL");
    } else if (config_.active && !config_.key) {
      note_failure("the secret is not a whsec_ secret");
    }
    next();
  }

  void stop() {
    stopped_ = true;
    instance_.event_tail().forget_all_of(this);
    retry_.cancel();
    connection_.close();
  }

  // The progress to write, when it changed since last written.
  std::optional<domain::Instance::WebhookProgress> changed_progress() {
    const domain::Instance::WebhookProgress now{delivered_, failing_since_, last_error_};
    if (now.delivered_seq == noted_.delivered_seq && now.failing_since == noted_.failing_since &&
        now.last_error == noted_.last_error) {
      return std::nullopt;
    }
    noted_ = now;
    return now;
  }
  const domain::SysId& id() const { return id_; }

private:
  // Sends what comes after `delivered_`, or waits for it; one POST at a time.
  void next() {
    if (stopped_ || sending_ || waiting_ || backing_off_) return;
    if (!config_.active || !config_.url || !config_.key) return;
    domain::EventQuery query;
    query.after = delivered_;
    query.limit = config_.max_batch;
    query.types = config_.types;
    auto page = instance_.events(delivery_caller(), query);
    if (!page) {
      if (page.failure().kind != domain::errc::gone) return fail(page.failure().message);
      // The receiver was away longer than events are kept: what is gone cannot be sent.
      const std::uint64_t oldest = instance_.oldest_event();
      note_failure("events " + std::to_string(delivered_ + 1) + " to " +
                   std::to_string(oldest - 1) + " were no longer kept when delivery resumed");
      delivered_ = oldest - 1;
      return next();
    }
    if (page->events.empty()) {
      delivered_ = page->next;  // past events the webhook does not take
      waiting_ = true;
      std::weak_ptr<Target> weak = weak_from_this();
      instance_.event_tail().when_after(
          delivered_,
          [weak, &io = io_] {
            // On the publishing thread: the read happens on delivery's own.
            net::post(io, [weak] {
              if (auto self = weak.lock()) {
                self->waiting_ = false;
                self->next();
              }
            });
          },
          this);
      return;
    }
    send(std::move(page.value()));
  }

  void send(domain::EventPage page) {
    std::string body;
    const bool batch = config_.max_batch > 1;
    if (batch) {
      body = "[";
      for (const auto& event : page.events) {
        if (body.size() > 1) body += ',';
        body += *rendered_.text(*event);
      }
      body += ']';
    } else {
      body = *rendered_.text(*page.events.front());
    }
    const std::string id = std::to_string(page.events.front()->seq);
    const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    http::request<http::string_body> request{http::verb::post, "/", 11};
    request.set(http::field::content_type,
                batch ? "application/cloudevents-batch+json" : "application/cloudevents+json");
    request.set(http::field::user_agent, "awa-server");
    request.set("webhook-id", id);
    request.set("webhook-timestamp", std::to_string(timestamp));
    request.set("webhook-signature", webhook_signature(*config_.key, id, timestamp, body));
    request.body() = std::move(body);
    sending_ = true;
    connection_.post(
        *config_.url, std::move(request),
        [self = shared_from_this(), next = page.next](const WebhookConnection::Result& r) {
          self->sending_ = false;
          if (self->stopped_) return;
          if (r.status >= 200 && r.status < 300) return self->delivered(next);
          self->fail(r.status != 0 ? "the receiver answered " + std::to_string(r.status) : r.error);
        });
  }

  void delivered(std::uint64_t through) {
    delivered_ = through;
    failures_ = 0;
    failing_since_.clear();
    next();
  }

  void note_failure(std::string why) {
    if (failing_since_.empty()) failing_since_ = domain::format_table_time(clock_.now());
    last_error_ = std::move(why);
  }

  // Retried after 1 s, 2 s, 4 s... up to 5 min, each ±20%: receivers that come back are not
  // all hit in the same second.
  void fail(std::string why) {
    note_failure(std::move(why));
    const auto doubling = kFirstRetry * (1LL << std::min(failures_, 16U));
    ++failures_;
    const auto delay = std::min<std::chrono::milliseconds>(doubling, kLongestRetry);
    const auto jittered = std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(delay.count()) *
                                  std::uniform_real_distribution<double>(0.8, 1.2)(random_)));
    backing_off_ = true;
    retry_.expires_after(jittered);
    retry_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      self->backing_off_ = false;
      if (!ec) self->next();
    });
  }

  net::io_context& io_;
  domain::Instance& instance_;
  const domain::Clock& clock_;
  RenderedEvents& rendered_;
  const domain::SysId id_;
  WebhookConfig config_;
  WebhookConnection connection_;
  net::steady_timer retry_;
  std::uint64_t delivered_;
  std::string failing_since_;
  std::string last_error_;
  domain::Instance::WebhookProgress noted_;  // as last written
  unsigned failures_ = 0;                    // in a row
  std::minstd_rand random_;
  bool sending_ = false, waiting_ = false, backing_off_ = false, stopped_ = false;
};

WebhookDelivery::WebhookDelivery(domain::Instance& instance, const domain::Clock& clock,
                                 WebhookOptions options, RenderedEvents& rendered)
    : instance_(instance),
      clock_(clock),
      options_(options),
      rendered_(rendered),
      tls_(net::ssl::context::tls_client) {
  tls_.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1);
  if (options_.allow_insecure) {
    tls_.set_verify_mode(net::ssl::verify_none);
  } else {
    tls_.set_default_verify_paths();
    tls_.set_verify_mode(net::ssl::verify_peer);
  }
}

WebhookDelivery::~WebhookDelivery() {
  stop();
}

void WebhookDelivery::start() {
  net::post(io_, [this] { refresh(); });
  thread_ = std::thread([this] { io_.run(); });
}

void WebhookDelivery::refresh_soon() {
  net::post(io_, [this] { refresh(); });  // re-arms the timer
}

void WebhookDelivery::refresh() {
  domain::ListRequest request{"awa_webhook"};
  auto listed = instance_.list(delivery_caller(), request);
  if (listed.outcome) {
    std::map<std::string, std::shared_ptr<Target>> kept;
    for (const auto& record : listed.outcome.value()) {
      const std::string id = record.id.str();
      auto found = targets_.find(id);
      std::shared_ptr<Target> target;
      if (found == targets_.end()) {
        target = std::make_shared<Target>(
            io_, tls_, instance_, clock_, rendered_, options_.timeout, record.id,
            static_cast<std::uint64_t>(
                domain::parse_integer(record[wf::delivered_seq]).value_or(0)));
      } else {
        target = found->second;
        targets_.erase(found);
      }
      target->configure(WebhookConfig::of(record));
      kept.emplace(id, std::move(target));
    }
    for (auto& [id, gone] : targets_) gone->stop();  // deleted
    targets_ = std::move(kept);
  }
  note_progress([] {});
  refresh_timer_.expires_after(options_.refresh);
  refresh_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) refresh();
  });
}

void WebhookDelivery::note_progress(const std::function<void()>& done) {
  auto pending = std::make_shared<std::atomic<std::size_t>>(1);
  auto one_done = [pending, done](std::error_code) {
    if (pending->fetch_sub(1) == 1) done();
  };
  for (auto& [id, target] : targets_) {
    auto progress = target->changed_progress();
    if (!progress) continue;
    auto answer = instance_.note_webhook_delivery(target->id(), *progress);
    pending->fetch_add(1);
    instance_.when_durable(answer.ticket, one_done);
  }
  one_done({});
}

void WebhookDelivery::stop() {
  if (!thread_.joinable()) return;
  std::promise<void> noted;
  net::post(io_, [this, &noted] {
    refresh_timer_.cancel();
    for (auto& [id, target] : targets_) target->stop();
    note_progress([&noted] { noted.set_value(); });
  });
  noted.get_future().wait();
  io_.stop();
  thread_.join();
  targets_.clear();
}

}  // namespace awa::server
