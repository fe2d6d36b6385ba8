// multipart/form-data parsing: fields, files, and the ways a body can be wrong.

#include "common/http/wire/multipart.hpp"

#include <gtest/gtest.h>

namespace parity::http {
namespace {

TEST(Multipart, FindsTheBoundaryOfFormDataOnly) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; boundary=\"a b\""), "a b");
  EXPECT_EQ(multipart_boundary("text/plain; boundary=abc"), "");
  EXPECT_EQ(multipart_boundary("multipart/form-data"), "");
}

TEST(Multipart, SplitsFieldsAndFiles) {
  std::string body =
      "preamble\r\n--B\r\nContent-Disposition: form-data; name=\"directory\"\r\n\r\nmusic\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"song.mp3\"\r\n"
      "Content-Type: audio/mpeg\r\n\r\nID3\r\n\x01\x02\r\n--B--\r\n";
  auto form = parse_multipart(body, "B");
  ASSERT_EQ(form.fields.size(), 1u);
  EXPECT_EQ(form.fields[0].first, "directory");
  EXPECT_EQ(form.fields[0].second, "music");
  ASSERT_EQ(form.files.size(), 1u);
  EXPECT_EQ(form.files[0].filename, "song.mp3");
  EXPECT_EQ(form.files[0].content_type, "audio/mpeg");
  EXPECT_EQ(form.files[0].body, "ID3\r\n\x01\x02");
}

TEST(Multipart, AnEmptyFilenameStillMarksAFilePart) {
  auto form = parse_multipart(
      "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n\r\n--B--", "B");
  ASSERT_EQ(form.files.size(), 1u);
  EXPECT_EQ(form.files[0].filename, "");
  EXPECT_EQ(form.files[0].body, "");
}

// A file is a part with a filename parameter, not a line that says "filename=" somewhere.
TEST(Multipart, AFieldWhoseNameSaysFilenameIsAField) {
  auto form = parse_multipart(
      "--B\r\nContent-Disposition: form-data; name=\"filename=x\"\r\n\r\nv\r\n--B--", "B");
  ASSERT_EQ(form.fields.size(), 1u);
  EXPECT_EQ(form.fields[0].first, "filename=x");
  EXPECT_TRUE(form.files.empty());
}

TEST(Multipart, RejectsMalformedBodies) {
  EXPECT_THROW(parse_multipart("no boundary here", "B"), std::invalid_argument);
  EXPECT_THROW(
      parse_multipart("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated", "B"),
      std::invalid_argument);
  EXPECT_THROW(parse_multipart("--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--", "B"),
               std::invalid_argument);
  EXPECT_THROW(parse_multipart("--B\r\n\r\nx\r\n--B--", ""), std::invalid_argument);
}

TEST(Multipart, RefusesTooManyParts) {
  std::string body;
  for (int i = 0; i < 5; ++i)
    body += "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n";
  body += "--B--";
  EXPECT_NO_THROW(parse_multipart(body, "B", 5));
  EXPECT_THROW(parse_multipart(body, "B", 4), std::invalid_argument);
}

}  // namespace
}  // namespace parity::http
