// Exercise 14's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <boost/asio/ip/tcp.hpp>

using parity::exercises::World;

namespace {

parity::http::FetchResponse import(const World& world, const std::string& body) {
  parity::http::FetchOptions options;
  options.data = body;
  options.headers = {{"Content-Type", "application/json"}};
  options.raise_error = false;
  options.timeout = std::chrono::seconds(3);
  try {
    return parity::http::fetch_blocking({"POST", world.url("/import/host")}, options);
  } catch (const parity::http::FetchError&) {
    return {};
  }
}

std::string message_of(const parity::http::FetchResponse& r) {
  boost::system::error_code ec;
  auto value = boost::json::parse(r.body, ec);
  if (ec || !value.is_object() || !value.as_object().contains("message")) return "";
  const auto& m = value.at("message");
  return m.is_string() ? std::string(m.as_string()) : "";
}

// A CMDB that fails on its side: 500 to every call.
class FailingCmdb : public parity::http::RequestHandler {
 public:
  void post() { send_error(500, "the CMDB broke"); }
};

}  // namespace

TEST(Exercise14, Part1_AnImportIs200WithTheCmdbsData) {
  World world(exercise::mount);
  auto r = import(world, R"([{"name":"web-1"}])");
  REQUIRE_BECAUSE(r.status == 200, "a good import answered " << r.status << ": " << r.body);
  EXPECT_BECAUSE(r.body.find("\"created\":1") != std::string::npos,
                 "the answer does not carry the CMDB's data (" << r.body << ")");
}

TEST(Exercise14, Part2_AnEmptyOrBrokenBodyIs400) {
  World world(exercise::mount);
  for (std::string body : {"[]", "not json", "{}"}) {
    auto r = import(world, body);
    EXPECT_BECAUSE(r.status == 400 && message_of(r) == "Invalid input data",
                   "the body `" << body << "` answered " << r.status << " " << r.body
                                << ", not 400 {\"message\": \"Invalid input data\"}");
  }
}

TEST(Exercise14, Part3_InstancesTheCmdbRefusesAre400WithItsMessage) {
  World world(exercise::mount);
  auto r = import(world, R"([{"os":"linux"}])");
  EXPECT_BECAUSE(r.status == 400 && message_of(r) == "every instance needs a string \"name\"",
                 "an instance without a name answered "
                     << r.status << " " << r.body << ": pass the CMDB's 400 and its message on");
}

TEST(Exercise14, Part4_ACmdbThatCannotBeReachedIs502) {
  World world(exercise::mount, parity::exercises::closed_upstream());
  auto r = import(world, R"([{"name":"web-1"}])");
  EXPECT_BECAUSE(r.status == 502, "with the CMDB down, an import answered " << r.status);
}

TEST(Exercise14, Part5_ACmdbThatDoesNotAnswerIs504) {
  // A port that accepts connections and never answers.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  World world(exercise::mount,
              "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()));
  auto r = import(world, R"([{"name":"web-1"}])");
  EXPECT_BECAUSE(r.status == 504, "with a CMDB that never answers, an import answered "
                                      << (r.status ? std::to_string(r.status) : "nothing in 3 s")
                                      << ", not 504 within kUpstreamTimeout");
}

TEST(Exercise14, Part6_ACmdbThatFailsIs502) {
  auto cmdb = std::make_shared<parity::http::Application>();
  cmdb->add<FailingCmdb>("/.*", "");
  parity::http::ServerThread failing;
  parity::http::ServerOptions quiet;
  quiet.access_log = false;
  failing.start(cmdb, quiet);
  World world(exercise::mount, failing.url());
  auto r = import(world, R"([{"name":"web-1"}])");
  EXPECT_BECAUSE(r.status == 502, "a CMDB that answered 500 made the import answer "
                                      << r.status
                                      << ", not 502: only the CMDB's 400 is passed on (the "
                                         "caller's fault); its other errors are a bad gateway");
}
