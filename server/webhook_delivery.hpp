// Webhooks (the awa_webhook table): each one's events POSTed in order to its URL, one or a batch
// at a time, signed the Standard Webhooks way. A failed POST is retried after 1 s, doubling to
// 5 min, with jitter, and nothing newer goes first. How far each got (delivered_seq), and since
// when and why it fails, is written to its record every second: after a restart delivery
// resumes there (at least once, never a gap). One thread: a receiver that is down costs a timer.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "domain/instance.hpp"
#include "server/rendered_events.hpp"

namespace awa::server {

struct WebhookOptions {
  std::chrono::seconds timeout{10};  // a POST not answered by then failed
  bool allow_insecure = false;       // HTTPS without checking the receiver's certificate
  // How often the webhooks are read again (besides refresh_soon()) and the progress written.
  std::chrono::milliseconds refresh{1000};
};

class WebhookDelivery {
public:
  WebhookDelivery(domain::Instance& instance, const domain::Clock& clock, WebhookOptions options,
                  RenderedEvents& rendered);
  ~WebhookDelivery();
  WebhookDelivery(const WebhookDelivery&) = delete;
  WebhookDelivery& operator=(const WebhookDelivery&) = delete;

  void start();
  // A webhook was made, changed or deleted: read them again now, not at the next refresh.
  void refresh_soon();
  // Ends delivery (a POST in flight is dropped: it goes again after a restart) and writes how
  // far each webhook got, waiting until that is durable.
  void stop();

  class Target;  // one webhook's delivery

private:
  void refresh();
  // Writes the progress of those whose changed; `done` once durable.
  void note_progress(const std::function<void()>& done);

  domain::Instance& instance_;
  const domain::Clock& clock_;
  const WebhookOptions options_;
  RenderedEvents& rendered_;
  boost::asio::io_context io_{1};
  boost::asio::ssl::context tls_;
  boost::asio::steady_timer refresh_timer_{io_};
  std::map<std::string, std::shared_ptr<Target>> targets_;  // by sys_id; the thread's only
  std::thread thread_;
};

}  // namespace awa::server
