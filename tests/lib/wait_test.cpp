// Wait: how long a blocking call may wait, derived from settimeout().
// Bounds only, never elapsed-time thresholds: the checks hold on any machine.
#include "usock/wait.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <limits>

using usock::Clock;
using usock::Wait;
using namespace std::chrono_literals;

TEST_CASE("forever never expires and tells poll() -1") {
  const Wait wait = Wait::forever();
  CHECK(wait.is_forever());
  CHECK_FALSE(wait.is_never());
  CHECK_FALSE(wait.expired());
  CHECK(wait.remaining_ms() == -1);
}

TEST_CASE("never does not wait at all") {
  const Wait wait = Wait::never();
  CHECK(wait.is_never());
  CHECK_FALSE(wait.is_forever());
  CHECK(wait.remaining_ms() == 0);
}

TEST_CASE("a deadline ahead has time left, at most what was given") {
  const Wait wait = Wait::until(Clock::now() + 1000s);
  CHECK_FALSE(wait.is_forever());
  CHECK_FALSE(wait.is_never());
  CHECK_FALSE(wait.expired());
  CHECK(wait.remaining_ms() > 0);
  CHECK(wait.remaining_ms() <= 1000 * 1000);
}

TEST_CASE("a deadline passed has expired with nothing left") {
  const Wait wait = Wait::until(Clock::now() - 1s);
  CHECK(wait.expired());
  CHECK(wait.remaining_ms() == 0);
}

TEST_CASE("remaining time rounds up so a wait never ends early") {
  // Under 1 ms left reads as 1; it may read 0 only once the deadline passed.
  const Wait wait = Wait::until(Clock::now() + 500us);
  const int left = wait.remaining_ms();
  CHECK((left == 0 ? wait.expired() : left == 1));
}

TEST_CASE("a remaining time too long for an int is capped, not wrapped") {
  const Wait wait = Wait::until(Clock::now() + std::chrono::hours(24 * 365 * 100));
  CHECK(wait.remaining_ms() == std::numeric_limits<int>::max());
}

TEST_CASE("from_timeout maps settimeout's values") {
  CHECK(Wait::from_timeout(std::nullopt).is_forever());
  CHECK(Wait::from_timeout(0.0).is_never());
  CHECK(Wait::from_timeout(-1.0).is_never());
  const Wait timed = Wait::from_timeout(2.5);
  CHECK_FALSE(timed.is_forever());
  CHECK_FALSE(timed.is_never());
  CHECK(timed.remaining_ms() > 0);
  CHECK(timed.remaining_ms() <= 2500);
}

TEST_CASE("from_timeout survives timeouts past the clock's range") {
  // settimeout(1e12) is legal Python (about 31700 years). Its deadline does
  // not fit a steady_clock time_point in nanoseconds; it must still mean
  // "a very long wait", not overflow into the past.
  for (const double seconds : {1e10, 1e12, 1e300, std::numeric_limits<double>::max()}) {
    INFO(seconds);
    const Wait wait = Wait::from_timeout(seconds);
    CHECK_FALSE(wait.is_never());
    CHECK_FALSE(wait.expired());
    CHECK(wait.remaining_ms() == std::numeric_limits<int>::max());
  }
}
