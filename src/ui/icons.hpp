// Icons of the UI, as UTF-8 strings of Font Awesome 4.7 code points (merged into the UI font
// by FontSet; cmake/UiFonts.cmake keeps exactly these glyphs: add one there too).
#pragma once

namespace posemeet::ui::icons {

constexpr const char* kCheck = "\xef\x80\x8c";         // U+F00C
constexpr const char* kClose = "\xef\x80\x8d";         // U+F00D
constexpr const char* kSettings = "\xef\x80\x93";      // U+F013 cog
constexpr const char* kCamera = "\xef\x80\xbd";        // U+F03D video-camera
constexpr const char* kWhiteboard = "\xef\x81\x80";    // U+F040 pencil
constexpr const char* kHidden = "\xef\x81\xb0";        // U+F070 eye-slash
constexpr const char* kChat = "\xef\x82\x86";          // U+F086 comments
constexpr const char* kLeave = "\xef\x82\x8b";         // U+F08B sign-out
constexpr const char* kPhone = "\xef\x82\x95";         // U+F095
constexpr const char* kPeople = "\xef\x83\x80";        // U+F0C0 users
constexpr const char* kScreen = "\xef\x84\x88";        // U+F108 desktop
constexpr const char* kMic = "\xef\x84\xb0";           // U+F130 microphone
constexpr const char* kMicOff = "\xef\x84\xb1";        // U+F131 microphone-slash
constexpr const char* kMore = "\xef\x85\x81";          // U+F141 ellipsis-h
constexpr const char* kHand = "\xef\x89\x96";          // U+F256 hand-paper-o
constexpr const char* kStop = "\xef\x8a\x8b";          // U+F28B pause-circle-o

}  // namespace posemeet::ui::icons
