// protocol: JSON envelopes (request / return / inform), field readers and UTF-8 checks.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <variant>

#include "core/protocol.hpp"

using namespace posemeet::protocol;

namespace {

Request expect_request(std::string_view text) {
    auto r = parse_request(text);
    if (auto* e = std::get_if<RequestError>(&r)) FAIL("unexpected RequestError: " << e->message);
    return std::get<Request>(r);
}

RequestError expect_error(std::string_view text) {
    auto r = parse_request(text);
    REQUIRE_MESSAGE(std::holds_alternative<RequestError>(r), "accepted: " << text);
    return std::get<RequestError>(r);
}

std::set<std::string> keys(const Json& j) {
    std::set<std::string> k;
    for (auto it = j.begin(); it != j.end(); ++it) k.insert(it.key());
    return k;
}

}  // namespace

TEST_SUITE_BEGIN("protocol");

TEST_CASE("parse_request accepts a full envelope") {
    auto r = expect_request(
        R"({"v":1,"event_name":"vcJoinRoom","request_id":"abc-1","content":{"room_id":"r1","camera":"1"}})");
    CHECK(r.event_name == "vcJoinRoom");
    CHECK(r.request_id == "abc-1");
    REQUIRE(r.content.is_object());
    CHECK(r.content["room_id"] == "r1");
    CHECK(r.content["camera"] == "1");
}

TEST_CASE("request_id may be a string or an integer; v and content are optional") {
    CHECK(expect_request(R"({"event_name":"vcGetUserList","request_id":42})").request_id == "42");
    CHECK(expect_request(R"({"event_name":"vcGetUserList","request_id":-7})").request_id == "-7");
    CHECK(expect_request(R"({"event_name":"vcGetUserList","request_id":"x"})").request_id == "x");
    auto r = expect_request(R"({"event_name":"vcGetUserList"})");
    CHECK(r.request_id.empty());
    CHECK(r.content.is_object());
    CHECK(r.content.empty());
    CHECK(expect_request(R"({"event_name":"vcGetUserList","content":null})").content.is_object());
    CHECK(expect_request(std::string(R"({"event_name":")") + std::string(64, 'e') + "\"}")
              .event_name.size() == 64);
}

TEST_CASE("parse_request rejects non-JSON and non-object messages") {
    for (const char* text : {"", "not json", "{", R"({"event_name":"x",})", "\x01\x02"}) {
        INFO(text);
        auto e = expect_error(text);
        CHECK(e.code == ErrorCode::BadInput);
        CHECK_FALSE(e.message.empty());
    }
    for (const char* text : {"[]", "[1,2]", "\"vcJoinRoom\"", "42", "null", "true"}) {
        INFO(text);
        auto e = expect_error(text);
        CHECK(e.code == ErrorCode::BadInput);
        CHECK_FALSE(e.message.empty());
    }
}

TEST_CASE("parse_request rejects missing, empty, non-string and too-long event_name") {
    const std::string too_long = std::string(R"({"request_id":"r9","event_name":")") +
                                 std::string(65, 'e') + "\"}";
    for (const std::string& text :
         {std::string(R"({"request_id":"r9"})"), std::string(R"({"request_id":"r9","event_name":""})"),
          std::string(R"({"request_id":"r9","event_name":5})"),
          std::string(R"({"request_id":"r9","event_name":null})"),
          std::string(R"({"request_id":"r9","event_name":["vcJoinRoom"]})"), too_long}) {
        INFO(text);
        auto e = expect_error(text);
        CHECK(e.code == ErrorCode::BadInput);
        CHECK_FALSE(e.message.empty());
        CHECK(e.request_id == "r9");  // echoed so the client can match the error
    }
}

TEST_CASE("parse_request rejects content that is not an object") {
    for (const char* text : {R"({"event_name":"vcJoinRoom","request_id":"q","content":[]})",
                             R"({"event_name":"vcJoinRoom","request_id":"q","content":"room"})",
                             R"({"event_name":"vcJoinRoom","request_id":"q","content":1})"}) {
        INFO(text);
        auto e = expect_error(text);
        CHECK(e.code == ErrorCode::BadInput);
        CHECK(e.request_id == "q");
    }
}

TEST_CASE("parse_request rejects a wrong protocol version") {
    for (const char* text : {R"({"v":2,"event_name":"vcJoinRoom","request_id":"q"})",
                             R"({"v":0,"event_name":"vcJoinRoom","request_id":"q"})",
                             R"({"v":1.5,"event_name":"vcJoinRoom","request_id":"q"})",
                             R"({"v":"2","event_name":"vcJoinRoom","request_id":"q"})"}) {
        INFO(text);
        auto e = expect_error(text);
        CHECK(e.code == ErrorCode::BadInput);
        CHECK(e.request_id == "q");
    }
}

TEST_CASE("parse_request rejects bad request ids") {
    CHECK(expect_error(R"({"event_name":"x","request_id":1.5})").code == ErrorCode::BadInput);
    CHECK(expect_error(R"({"event_name":"x","request_id":{}})").code == ErrorCode::BadInput);
    const std::string long_id =
        std::string(R"({"event_name":"x","request_id":")") + std::string(65, 'i') + "\"}";
    CHECK(expect_error(long_id).code == ErrorCode::BadInput);
    const std::string max_id =
        std::string(R"({"event_name":"x","request_id":")") + std::string(64, 'i') + "\"}";
    CHECK(expect_request(max_id).request_id.size() == 64);
}

TEST_CASE("read_enum accepts 1 and \"1\", rejects 2, \"x\", -1") {
    std::string err;
    const Json c = {{"a", 1}, {"b", "1"}, {"c", 0}, {"d", "0"}, {"bad2", 2}, {"badx", "x"},
                    {"badneg", -1}, {"bad11", "11"}, {"badf", 1.0}, {"n", nullptr}};
    auto v = read_enum(c, "a", 1, err);
    CHECK(v == 1);
    CHECK(err.empty());
    CHECK(read_enum(c, "b", 1, err) == 1);
    CHECK(read_enum(c, "c", 1, err) == 0);
    CHECK(read_enum(c, "d", 1, err) == 0);
    CHECK(err.empty());
    // Missing and null fields: nullopt without an error.
    CHECK_FALSE(read_enum(c, "missing", 1, err).has_value());
    CHECK_FALSE(read_enum(c, "n", 1, err).has_value());
    CHECK(err.empty());
    for (const char* f : {"bad2", "badx", "badneg", "bad11", "badf"}) {
        INFO(f);
        std::string e;
        CHECK_FALSE(read_enum(c, f, 1, e).has_value());
        CHECK_FALSE(e.empty());
        CHECK(e.find(f) != std::string::npos);  // the error names the field
    }
    // A larger range accepts 2.
    std::string e2;
    CHECK(read_enum(c, "bad2", 2, e2) == 2);
    CHECK(e2.empty());
}

TEST_CASE("read_string enforces type, length and UTF-8") {
    const Json c = {{"s", "hello"}, {"num", 5}, {"long", std::string(11, 'a')},
                    {"bad", std::string("\xC3\x28")}};
    std::string err;
    CHECK(read_string(c, "s", 10, err) == std::string("hello"));
    CHECK(err.empty());
    CHECK_FALSE(read_string(c, "missing", 10, err).has_value());
    CHECK(err.empty());
    for (const char* f : {"num", "long", "bad"}) {
        INFO(f);
        std::string e;
        CHECK_FALSE(read_string(c, f, 10, e).has_value());
        CHECK_FALSE(e.empty());
    }
}

TEST_CASE("is_valid_utf8 accepts well-formed text") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("你好"));
    CHECK(is_valid_utf8("\xE4\xBD\xA0\xE5\xA5\xBD"));  // 你好, spelled out
    CHECK(is_valid_utf8("😀 ok"));
    CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
    CHECK(is_valid_utf8("caf\xC3\xA9"));
    CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
    CHECK(is_valid_utf8("\xEF\xBF\xBF"));      // U+FFFF
    CHECK(is_valid_utf8(std::string_view("a\0b", 3)));
}

TEST_CASE("is_valid_utf8 rejects malformed sequences") {
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xC1\xBF"));          // overlong
    CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong 3-byte
    CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong 4-byte
    CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
    CHECK_FALSE(is_valid_utf8("ab\xBF" "cd"));
    CHECK_FALSE(is_valid_utf8("\xE4\xBD"));          // truncated 你
    CHECK_FALSE(is_valid_utf8("\xF0\x9F\x98"));      // truncated emoji
    CHECK_FALSE(is_valid_utf8("\xC3"));              // truncated at the end
    CHECK_FALSE(is_valid_utf8("\xC3" "a"));          // continuation replaced by ASCII
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
    CHECK_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // surrogate U+DFFF
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000, beyond Unicode
    CHECK_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));  // 5-byte form
    CHECK_FALSE(is_valid_utf8("\xFF"));
    CHECK_FALSE(is_valid_utf8("\xFE"));
}

TEST_CASE("is_valid_utf8 judges a view by its own length, not by the bytes after it") {
    // Names arrive as views into larger buffers; a sequence cut at the view's end is
    // truncated even when the continuation bytes happen to follow in memory.
    const std::string buf = "\xE4\xBD\xA0\xF0\x9F\x98\x80";  // 你😀
    CHECK(is_valid_utf8(std::string_view(buf.data(), 3)));
    CHECK_FALSE(is_valid_utf8(std::string_view(buf.data(), 1)));
    CHECK_FALSE(is_valid_utf8(std::string_view(buf.data(), 2)));
    CHECK_FALSE(is_valid_utf8(std::string_view(buf.data(), 5)));
    CHECK_FALSE(is_valid_utf8(std::string_view(buf.data(), 6)));
    CHECK(is_valid_utf8(std::string_view(buf.data(), 7)));
}

TEST_CASE("make_reply uses the vocabulary's field names") {
    const Json r = make_reply("req-7", ErrorCode::RoomFull, "", Json{{"x", 1}}, 123456789012);
    CHECK(keys(r) ==
          std::set<std::string>{"message_type", "request_id", "code", "message", "timestamp", "response"});
    CHECK(r["message_type"] == "return");
    CHECK(r["request_id"] == "req-7");
    CHECK(r["code"] == 401);
    CHECK(r["message"] == default_message(ErrorCode::RoomFull));
    CHECK(r["message"] == "user count exceeds limit");
    CHECK(r["timestamp"] == 123456789012);
    CHECK(r["response"] == Json{{"x", 1}});

    const Json ok = make_reply("", ErrorCode::Ok, "custom", nullptr, 5);
    CHECK(ok["code"] == 200);
    CHECK(ok["message"] == "custom");
    CHECK(ok["response"].is_object());  // null response becomes {}
    CHECK(ok["request_id"] == "");
}

TEST_CASE("make_inform uses the vocabulary's field names") {
    const Json i = make_inform(posemeet::protocol::Event::OnJoinRoom, Json{{"user_count", 2}}, 99);
    CHECK(keys(i) == std::set<std::string>{"message_type", "event", "timestamp", "data"});
    CHECK(i["message_type"] == "inform");
    CHECK(i["event"] == "vcOnJoinRoom");
    CHECK(i["timestamp"] == 99);
    CHECK(i["data"]["user_count"] == 2);
}

TEST_CASE("error codes keep their documented numbers") {
    CHECK(static_cast<int>(ErrorCode::Ok) == 200);
    CHECK(static_cast<int>(ErrorCode::BadInput) == 400);
    CHECK(static_cast<int>(ErrorCode::RoomFull) == 401);
    CHECK(static_cast<int>(ErrorCode::NotFound) == 404);
    CHECK(static_cast<int>(ErrorCode::UnknownEvent) == 405);
    CHECK(static_cast<int>(ErrorCode::TooLarge) == 413);
    CHECK(static_cast<int>(ErrorCode::NotInRoom) == 420);
    CHECK(static_cast<int>(ErrorCode::AlreadyInRoom) == 421);
    CHECK(static_cast<int>(ErrorCode::RoomEnded) == 422);
    CHECK(std::string(default_message(ErrorCode::NotInRoom)) == "join a room first");
}

TEST_SUITE_END();
