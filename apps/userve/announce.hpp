#pragma once
// The address to give a browser, as the seed prints it: "Listening, connect
// your browser to http://10.39.40.168:8080/". A wildcard bind (0.0.0.0, ::)
// is shown as the address this host would use to reach the network.

#include <string>

#include "usock/sockaddr.hpp"
#include "usock/stack.hpp"

namespace userve {

std::string browser_url(usock::Stack& stack, const usock::SockAddr& bound, bool tls);

}  // namespace userve
