// See strings.hpp.
#include "ui/strings.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <unordered_map>

namespace posemeet::ui {
namespace {

Language g_language = Language::English;

// English -> Chinese. Keep printf conversions (%s, %zu, %d, %.0f) in the same order.
const std::vector<std::pair<const char*, const char*>> kChinese = {
    // Join screen.
    {"Join a meeting", "加入会议"},
    {"Meet as live avatar skeletons. Enter your name and a room; everyone in the same room sees each other.",
     "以实时骨骼形象开会。输入你的名字和房间名；同一房间里的人都能互相看到。"},
    {"Your name", "你的名字"},
    {"Room", "房间"},
    {"Join", "加入"},
    {"Connecting...", "正在连接…"},
    {"Start a new meeting in this room", "在这个房间开始新的会议"},
    {"Details: %s", "详情：%s"},
    {"Server: %s", "服务器：%s"},
    // Top bar.
    {"Mute", "静音"},
    {"Unmute", "取消静音"},
    {"Ask to speak", "申请发言"},
    {"Asked to speak", "已申请发言"},
    {"Camera on", "打开摄像头"},
    {"Camera off", "关闭摄像头"},
    {"Share", "共享"},
    {"Stop sharing", "停止共享"},
    {"Ask to share", "申请共享"},
    {"Asked to share", "已申请共享"},
    {"Mute all", "全员静音"},
    {"Allow mics", "允许发言"},
    {"Settings", "设置"},
    {"More", "更多"},
    {"More actions", "更多操作"},
    {"Leave", "离开"},
    {"Leave the meeting", "离开会议"},
    {"End meeting", "结束会议"},
    {"End the meeting for everyone", "为所有人结束会议"},
    {"Microphone settings", "麦克风设置"},
    {"Camera settings", "摄像头设置"},
    {"Mute your microphone (Ctrl+D)", "关闭你的麦克风（Ctrl+D）"},
    {"Turn your microphone on (Ctrl+D)", "打开你的麦克风（Ctrl+D）"},
    {"Demo avatar: your avatar moves by itself, no camera is used (Ctrl+E)",
     "演示形象：你的形象自己会动，不使用摄像头（Ctrl+E）"},
    {"Your body moves your avatar. Your video stays on this device: only body points are sent (Ctrl+E)",
     "你的身体带动你的形象。视频只留在本设备上：只发送身体关键点（Ctrl+E）"},
    {"Your microphone level", "你的麦克风音量"},
    {"Your access to this meeting does not include the microphone", "你的会议权限不包括麦克风"},
    {"Your access to this meeting does not include the camera", "你的会议权限不包括摄像头"},
    {"Your access to this meeting does not include sharing", "你的会议权限不包括共享"},
    {"Your access to this meeting does not include chat", "你的会议权限不包括聊天"},
    {"You are muted", "你已静音"},
    {"Share screen", "共享屏幕"},
    {"Share whiteboard", "共享白板"},
    {"Mute everyone except you", "将除你以外的所有人静音"},
    {"Participants may unmute themselves", "允许参会者自行取消静音"},
    {"Speaking: %s", "正在发言：%s"},
    {"%s is sharing a screen", "%s 正在共享屏幕"},
    {"%s is sharing a whiteboard", "%s 正在共享白板"},
    {"Microphone", "麦克风"},
    {"(no microphone available)", "（没有可用的麦克风）"},
    {"Input level", "输入音量"},
    {"The microphone is off.", "麦克风已关闭。"},
    {"Try the microphone again", "重试麦克风"},
    {"Camera", "摄像头"},
    {"(no camera listed)", "（没有列出摄像头）"},
    {"(turn the camera on to list cameras)", "（打开摄像头后可列出摄像头）"},
    {"Demo avatar (no camera)", "演示形象（不用摄像头）"},
    {"Show my camera", "显示我的摄像头画面"},
    {"Your video stays on this device: only body points are sent.", "视频只留在本设备上：只发送身体关键点。"},
    {"Theme", "主题"},
    {"Follow the system", "跟随系统"},
    {"Dark", "深色"},
    {"Light", "浅色"},
    {"Language", "语言"},
    {"Layout", "布局"},
    {"Grid view", "网格视图"},
    {"Speaker view", "演讲者视图"},
    {"Pin", "固定"},
    {"Unpin", "取消固定"},
    {"Settings: theme and language", "设置：主题和语言"},
    {"End the meeting?", "结束会议？"},
    {"Everyone will be removed and the room closes.", "所有人都将被移出，房间随之关闭。"},
    {"End for everyone", "为所有人结束"},
    {"Cancel", "取消"},
    {"Reconnecting...", "正在重新连接…"},
    {"Click anywhere to hear the meeting", "点击任意位置即可听到会议声音"},
    {"Your connection is slow: some motion is skipped", "你的网络较慢：部分动作被跳过"},
    // Tiles.
    {"HOST", "主持人"},
    {"MIC ON", "麦克风开"},
    {"MUTED", "已静音"},
    {"CAMERA OFF", "摄像头关"},
    {"SHARING", "共享中"},
    {"RECONNECTING", "重连中"},
    {"P2P", "直连"},
    {"RELAY", "中继"},
    {"CONNECTING", "连接中"},
    {"%s (you)", "%s（你）"},
    {"looking for you...", "正在寻找你…"},
    {"waiting for pose...", "等待姿态…"},
    // People and chat.
    {"Participants (%zu)", "参会者（%zu）"},
    {"Invited (%zu)", "已邀请（%zu）"},
    {"Page %d of %d", "第 %d 页，共 %d 页"},
    {"Previous page", "上一页"},
    {"Next page", "下一页"},
    {"invited, not here yet", "已邀请，尚未加入"},
    {"declined", "已拒绝"},
    {"did not join", "未加入"},
    {"Close", "关闭"},
    {"People & chat", "成员和聊天"},
    {"People & chat (%zu new)", "成员和聊天（%zu 条新消息）"},
    {"host", "主持人"},
    {"speaking", "正在发言"},
    {"microphone on", "麦克风开"},
    {"muted", "已静音"},
    {"camera on", "摄像头开"},
    {"sharing", "共享中"},
    {"wants to speak", "申请发言"},
    {"wants to share", "申请共享"},
    {"Volume", "音量"},
    {"Send a private message", "发送私信"},
    {"Ask to unmute", "请其取消静音"},
    {"Turn camera off", "关闭其摄像头"},
    {"Ask to turn camera on", "请其打开摄像头"},
    {"Take away sharing", "收回共享权限"},
    {"Allow sharing", "允许共享"},
    {"Make host", "设为主持人"},
    {"Chat", "聊天"},
    {"%s: %s", "%s：%s"},
    {"%s -> %s (private): %s", "%s -> %s（私信）：%s"},
    {"Everyone", "所有人"},
    {"To: %s", "发给：%s"},
    {"Message", "消息"},
    {"Send", "发送"},
    // Prompts.
    {"Requests", "申请"},
    {"%s asks to speak", "%s 申请发言"},
    {"%s asks to share", "%s 申请共享"},
    {"Accept", "同意"},
    {"Deny", "拒绝"},
    {"The host asks you", "主持人请求你"},
    {"The host asks you to unmute", "主持人请你取消静音"},
    {"The host asks you to turn on your camera", "主持人请你打开摄像头"},
    {"Turn on", "打开"},
    {"Not now", "暂不"},
    // Announcements (the live region).
    {"You joined the meeting %s.", "你已加入会议 %s。"},
    {"Reconnected.", "已重新连接。"},
    {"Reconnecting.", "正在重新连接。"},
    {"The meeting has ended.", "会议已结束。"},
    {"You left the meeting.", "你已离开会议。"},
    {"%s joined.", "%s 加入了。"},
    {"%s left.", "%s 离开了。"},
    {"%s says: %s", "%s 说：%s"},
    {"%s to you, privately: %s", "%s 私信你：%s"},
    // The client's notices and messages (client/room_mirror, meeting_session, refusal_words,
    // audio_device, camera_device, app/web), translated where shown.
    {"The host muted you", "主持人将你静音了"},
    {"The host turned off your camera", "主持人关闭了你的摄像头"},
    {"The host muted everyone", "主持人将所有人静音了"},
    {"The host muted everyone: use \"Ask to speak\" to unmute", "主持人将所有人静音了：请用“申请发言”来取消静音"},
    {"The host allows everyone to unmute", "主持人允许所有人取消静音"},
    {"The host lets you speak: you can unmute now", "主持人允许你发言：现在可以取消静音了"},
    {"The host declined your request to speak", "主持人拒绝了你的发言申请"},
    {"The host lets you share", "主持人允许你共享"},
    {"The host declined your request to share", "主持人拒绝了你的共享申请"},
    {"The host took away your permission to share", "主持人收回了你的共享权限"},
    {"%s is sharing a board", "%s 正在共享白板"},
    {"%s accepted to turn on the %s", "%s 同意打开%s"},
    {"%s declined to turn on the %s", "%s 拒绝打开%s"},
    {"mic", "麦克风"},
    {"camera", "摄像头"},
    {"You are now the host", "你现在是主持人"},
    {"The host ended the meeting", "主持人结束了会议"},
    {"You joined this meeting from another window; it continues there.", "你在另一个窗口加入了这个会议；会议在那里继续。"},
    {"Cannot reach the server: %s. Trying again in %s.", "无法连接服务器：%s。%s后重试。"},
    {"the server closed the connection (%s)", "服务器关闭了连接（%s）"},
    {"the connection was lost", "连接已断开"},
    {"the server is unreachable", "服务器无法访问"},
    {"This meeting is full. Try again when someone has left.", "会议人数已满。请等有人离开后再试。"},
    {"The host has ended this meeting.", "主持人已结束这个会议。"},
    {"This meeting already has a host.", "这个会议已经有主持人了。"},
    {"This meeting could not be found. Check the room name.", "找不到这个会议。请检查房间名。"},
    {"You are not allowed to join this meeting.", "你没有加入这个会议的权限。"},
    {"The name or the room name is not valid. Try a shorter one.", "名字或房间名无效。请换一个短一些的。"},
    {"This window is already in a meeting.", "这个窗口已经在会议中了。"},
    {"Too many attempts. Wait a moment and try again.", "尝试次数太多。请稍候再试。"},
    {"Your invitation has expired. Ask the host for a new link.", "你的邀请已过期。请向主持人索取新链接。"},
    {"This meeting needs an invitation link.", "这个会议需要邀请链接。"},
    {"Your invitation is not valid for this meeting.", "你的邀请对这个会议无效。"},
    {"The connection to the server was lost. Try again.", "与服务器的连接已断开。请重试。"},
    {"The server had a problem. Try again in a moment.", "服务器出了问题。请稍后再试。"},
    {"The server did not let you in.", "服务器没有让你加入。"},
    {"The server did not let you in: %s.", "服务器没有让你加入：%s。"},
    {"Microphone access is blocked: allow it in the browser\u2019s site settings to speak",
     "麦克风权限被阻止：请在浏览器的网站设置中允许，才能发言"},
    {"The microphone was disconnected", "麦克风已断开"},
    {"No microphone found: you can listen and chat", "没有找到麦克风：你可以收听和聊天"},
    {"This browser cannot use a microphone here (a secure https:// page is needed)",
     "这个浏览器在这里无法使用麦克风（需要安全的 https:// 页面）"},
    {"Could not start the microphone: %s", "无法启动麦克风：%s"},
    {"Starting the camera\u2026", "正在启动摄像头…"},
    {"Your video stays on this device: only body points are sent", "视频只留在本设备上：只发送身体关键点"},
    {"Camera access is blocked: allow it in the browser\u2019s site settings to move your avatar",
     "摄像头权限被阻止：请在浏览器的网站设置中允许，才能带动你的形象"},
    {"No camera found: your avatar stays still", "没有找到摄像头：你的形象保持静止"},
    {"The camera is in use by another application: close it and try again", "摄像头正被其他应用使用：请关闭后再试"},
    {"The body-tracking model could not be loaded", "无法加载身体追踪模型"},
    {"The body-tracking model could not be loaded: %s", "无法加载身体追踪模型：%s"},
    {"Camera avatars need the page served over http(s), not opened from a file",
     "摄像头形象需要通过 http(s) 打开页面，不能从文件打开"},
    {"Could not start the camera", "无法启动摄像头"},
    {"Could not start the camera: %s", "无法启动摄像头：%s"},
    {"WebRTC is not available in this browser: media goes through the server relay.",
     "这个浏览器不支持 WebRTC：媒体经由服务器中继传输。"},
    {"Sound could not start in this page (%s): you can still see everyone and chat.",
     "这个页面无法启动声音（%s）：你仍然可以看到所有人并聊天。"},
};

const std::unordered_map<std::string_view, const char*>& table() {
    static const std::unordered_map<std::string_view, const char*> t = [] {
        std::unordered_map<std::string_view, const char*> m;
        for (const auto& [en, zh] : kChinese) m.emplace(en, zh);
        return m;
    }();
    return t;
}

// The entries with %s in them, as the pieces of English between the %s.
struct Pattern {
    std::vector<std::string> pieces;  // pieces.size() == arguments + 1
    const char* chinese;
};
const std::vector<Pattern>& patterns() {
    static const std::vector<Pattern> p = [] {
        std::vector<Pattern> out;
        for (const auto& [en, zh] : kChinese) {
            const std::string_view e(en);
            if (e.find("%s") == std::string_view::npos || e.find("%z") != std::string_view::npos ||
                e.find("%d") != std::string_view::npos)
                continue;
            Pattern pat{{}, zh};
            std::size_t start = 0;
            for (std::size_t at; (at = e.find("%s", start)) != std::string_view::npos; start = at + 2)
                pat.pieces.emplace_back(e.substr(start, at - start));
            pat.pieces.emplace_back(e.substr(start));
            out.push_back(std::move(pat));
        }
        // The most specific first: "%s: %s" must not take "Cannot reach the server: ...".
        auto literal = [](const Pattern& p) {
            std::size_t n = 0;
            for (const auto& piece : p.pieces) n += piece.size();
            return n;
        };
        std::stable_sort(out.begin(), out.end(), [&](const Pattern& a, const Pattern& b) { return literal(a) > literal(b); });
        return out;
    }();
    return p;
}

// The arguments of `text` if it has the shape of `p` (each argument non-empty; the shortest
// match for each but the last).
bool match(const Pattern& p, const std::string& text, std::vector<std::string>& args) {
    args.clear();
    const std::string& first = p.pieces.front();
    const std::string& last = p.pieces.back();
    if (text.size() < first.size() + last.size() || text.compare(0, first.size(), first) != 0 ||
        text.compare(text.size() - last.size(), last.size(), last) != 0)
        return false;
    std::size_t at = first.size();
    const std::size_t end = text.size() - last.size();
    for (std::size_t i = 1; i + 1 < p.pieces.size(); ++i) {
        const std::size_t found = text.find(p.pieces[i], at + 1);
        if (found == std::string::npos || found > end) return false;
        args.push_back(text.substr(at, found - at));
        at = found + p.pieces[i].size();
    }
    if (at >= end) return false;
    args.push_back(text.substr(at, end - at));
    return true;
}

}  // namespace

Language language_from_code(std::string_view code) {
    return code.substr(0, 2) == "zh" ? Language::Chinese : Language::English;
}
const char* language_code(Language language) { return language == Language::Chinese ? "zh" : "en"; }

Language language() { return g_language; }
void set_language(Language language) { g_language = language; }

const char* tr(const char* english) {
    if (g_language == Language::English) return english;
    const auto it = table().find(english);
    return it == table().end() ? english : it->second;
}

std::string trf(const char* english_format, ...) {
    char buffer[1024];
    va_list args;
    va_start(args, english_format);
    std::vsnprintf(buffer, sizeof buffer, tr(english_format), args);
    va_end(args);
    return buffer;
}

std::string translate_sentence(const std::string& english) {
    if (g_language == Language::English || english.empty()) return english;
    if (const auto it = table().find(english); it != table().end()) return it->second;
    std::vector<std::string> args;
    for (const Pattern& p : patterns()) {
        if (!match(p, english, args)) continue;
        std::string out;
        const char* z = p.chinese;
        std::size_t arg = 0;
        for (const char* s; (s = std::strstr(z, "%s")) != nullptr; z = s + 2) {
            out.append(z, s);
            if (arg < args.size()) out += translate_sentence(args[arg++]);
        }
        out += z;
        return out;
    }
    return english;
}

const std::vector<std::pair<const char*, const char*>>& chinese_entries() { return kChinese; }

}  // namespace posemeet::ui
