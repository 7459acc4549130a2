#include "resolver.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <utility>

#include "usock/error.hpp"

namespace uboard {

Resolver::Resolver(usock::Stack& stack)
    : stack_(stack), wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (wake_fd_ < 0) throw usock::OSError::from_errno(errno);
  worker_ = std::thread([this] { run(); });
}

Resolver::~Resolver() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  asked_.notify_one();
  worker_.join();
  ::close(wake_fd_);
}

void Resolver::ask(Question question) {
  {
    const std::lock_guard lock(mutex_);
    questions_.push_back(std::move(question));
  }
  asked_.notify_one();
}

std::vector<Resolver::Answer> Resolver::answers() {
  std::uint64_t count = 0;
  // Resets the eventfd; an answer added after this read writes it again.
  [[maybe_unused]] const auto ignored = ::read(wake_fd_, &count, sizeof count);
  const std::lock_guard lock(mutex_);
  return std::exchange(answers_, {});
}

void Resolver::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    asked_.wait(lock, [this] { return stopping_ || !questions_.empty(); });
    if (stopping_) return;
    Question question = std::move(questions_.front());
    questions_.pop_front();
    lock.unlock();
    Answer answer;
    answer.ticket = question.ticket;
    answer.req = question.req;
    answer.names = question.name_of.has_value();
    try {
      if (question.name_of) {
        answer.name = stack_.getnameinfo(*question.name_of, question.ni_flags);
      } else {
        const std::optional<std::string> port =
            question.port ? std::optional<std::string>(std::to_string(*question.port))
                          : std::nullopt;
        answer.entries = stack_.getaddrinfo(question.host, port, question.hints);
        // PROTOCOL.md 9.4: an empty list is EAI_NONAME.
        if (answer.entries.empty()) throw usock::OSError::from_resolver(usock::eai::noname);
      }
    } catch (const usock::OSError& error) {
      answer.code = error.code();
      answer.reason = error.reason();
    } catch (const std::exception& error) {
      answer.code = usock::eai::fail;
      answer.reason = error.what();
    }
    lock.lock();
    answers_.push_back(std::move(answer));
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto ignored = ::write(wake_fd_, &one, sizeof one);
  }
}

}  // namespace uboard
