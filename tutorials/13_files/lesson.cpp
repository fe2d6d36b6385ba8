// Lesson 13: files, as seed 001's media handler takes them. Upload and delete, with the file I/O
// on a pool in every style but sync; seed 001's second form, url-encoded; and the answer to each
// thing a client can get wrong, with HTTP statuses instead of the seed's private codes.

#include "tutorials/13_files/lesson.hpp"

#include "common/http/client/client.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace parity::tutorials {
namespace {

// One request to the demo's /{style}/upload; the status and the answer's reason.
struct Answer {
  unsigned status = 0;
  std::string reason;
};

Answer send(const Demo& demo, const std::string& method, const std::string& target,
            const std::string& body = {}, const std::string& content_type = {}) {
  http::FetchOptions options;
  options.raise_error = false;
  if (!content_type.empty()) {
    options.data = body;
    options.headers = {{"Content-Type", content_type}};
  }
  auto response = http::fetch_blocking({method, demo.service.url(target)}, options);
  boost::system::error_code ec;
  auto answer = boost::json::parse(response.body, ec);
  std::string reason;
  if (!ec && answer.is_object()) {
    for (const char* key : {"reason", "message"})
      if (auto* r = answer.as_object().if_contains(key); r && r->is_string())
        reason = r->as_string();
  }
  return {response.status, reason};
}

const std::string kMultipart = "multipart/form-data; boundary=PARITY";
const std::string kForm = "application/x-www-form-urlencoded";

// One file in a multipart/form-data body, as a browser's form would send it.
std::string multipart(const std::string& field, const std::string& filename,
                      const std::string& content) {
  return fmt::format(
      "--PARITY\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n{}\r\n--PARITY--\r\n",
      field, filename, content);
}

std::string line(const std::string& what, const Answer& answer) {
  return fmt::format("  {:<48} HTTP {}  {}\n", what, answer.status, answer.reason);
}

StepResult upload_and_delete() {
  Demo demo;
  int removed = 0, added = 0;
  auto diff = style_diff("upload", "sync", "threadpool", removed, added);
  auto saved =
      send(demo, "POST", "/threadpool/upload", multipart("music", "song.mp3", "ID3"), kMultipart);
  auto again =
      send(demo, "POST", "/threadpool/upload", multipart("music", "song.mp3", "ID3"), kMultipart);
  bool on_disk = std::filesystem::exists(demo.service.upload_dir() / "music" / "song.mp3");
  auto deleted = send(demo, "DELETE", "/threadpool/upload?directory=music&filename=song.mp3");
  auto gone = send(demo, "DELETE", "/threadpool/upload?directory=music&filename=song.mp3");
  StepResult result;
  result.output = diff + "\n" + line("POST music/song.mp3 (multipart)", saved) +
                  line("POST music/song.mp3 again", again) +
                  line("DELETE ?directory=music&filename=song.mp3", deleted) +
                  line("DELETE it again", gone);
  result.notice =
      "seed 001 decorates its handler with @run_on_executor and a ThreadPoolExecutor(5): disk "
      "writes block, so every style but sync does them on the pool. The file lands under "
      "<upload dir>/<form field>/<filename>, once: a second upload of the same name is refused.";
  result.figures["saved"] = saved.status;
  result.figures["again"] = again.status;
  result.figures["on_disk"] = on_disk;
  result.figures["deleted"] = deleted.status;
  result.figures["gone"] = gone.status;
  return result;
}

StepResult the_url_encoded_form() {
  Demo demo;
  auto saved = send(demo, "POST", "/coroutine/upload",
                    "directory=voice&filename=hello.wav&body=RIFF%20bytes", kForm);
  std::ifstream in(demo.service.upload_dir() / "voice" / "hello.wav");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto missing = send(demo, "POST", "/coroutine/upload", "directory=voice&filename=x.wav", kForm);
  StepResult result;
  result.output = line("POST (form) voice/hello.wav, body=RIFF%20bytes", saved) +
                  fmt::format("  the file voice/hello.wav holds: \"{}\"\n", content) +
                  line("POST (form) without body=", missing);
  result.notice =
      "seed 001's second form sends the file's bytes as a form field. The same handler takes "
      "both forms; the fields are percent-decoded, so %20 arrived as a space.";
  result.figures["saved"] = saved.status;
  result.figures["content_ok"] = content == "RIFF bytes";
  result.figures["missing"] = missing.status;
  return result;
}

StepResult what_a_client_can_get_wrong() {
  Demo demo;
  struct Case {
    std::string what;
    Answer answer;
  };
  std::vector<Case> cases{
      {"an empty file",
       send(demo, "POST", "/coroutine/upload", multipart("music", "a.mp3", ""), kMultipart)},
      {"a .exe",
       send(demo, "POST", "/coroutine/upload", multipart("music", "tool.exe", "MZ"), kMultipart)},
      {"a name that climbs out: ../../x.mp3",
       send(demo, "POST", "/coroutine/upload", multipart("music", "../../x.mp3", "ID3"),
            kMultipart)},
      {"a name of 300 bytes",
       send(demo, "POST", "/coroutine/upload",
            multipart("music", std::string(296, 'a') + ".mp3", "ID3"), kMultipart)},
      {"DELETE without filename", send(demo, "DELETE", "/coroutine/upload?directory=music")},
  };
  std::string text = "POST or DELETE /coroutine/upload, done wrong:\n";
  for (const auto& c : cases) text += line(c.what, c.answer);
  StepResult result;
  result.output = text;
  result.notice =
      "each mistake has a status and a reason a client can act on, and none echoes a server path "
      "or a 300-byte name. The seed answered HTTP 200 to all of them, with codes 501..504 of its "
      "own in the body.";
  result.figures["empty"] = cases[0].answer.status;
  result.figures["format"] = cases[1].answer.status;
  result.figures["escape"] = cases[2].answer.status;
  result.figures["too_long"] = cases[3].answer.status;
  result.figures["missing"] = cases[4].answer.status;
  return result;
}

}  // namespace

Lesson files_lesson() {
  return {.id = "13",
          .folder = "tutorials/13_files",
          .title = "Files",
          .seeds = "001 (the media handler)",
          .minutes = 10,
          .steps = {{"13.1", "upload and delete, the file I/O on a pool", upload_and_delete},
                    {"13.2", "seed 001's url-encoded form", the_url_encoded_form},
                    {"13.3", "what a client can get wrong, and the answers",
                     what_a_client_can_get_wrong}}};
}

}  // namespace parity::tutorials
