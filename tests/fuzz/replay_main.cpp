// Runs a fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so every build (gcc
// included) exercises the decoders under ASan+UBSan as a plain CTest test:
//   1. every file of the seed corpus (and any file or directory named on the command line),
//   2. the empty input and all 256 one-byte inputs,
//   3. a few thousand deterministic pseudo-random inputs: mostly mutations of the corpus
//      (bit flips, byte edits, insertions, deletions, splices, dictionary tokens), some
//      pure random bytes.
// Usage: replay_<target> [--iterations=N] [--seed=S] [--max-len=L] PATH...
// A crash or a failed invariant aborts (exit code != 0); the offending input is then
// written to ./replay-crash-<target>.bin so it can be fed to the real fuzzer.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#if defined(__has_include)
#if __has_include(<sanitizer/common_interface_defs.h>)
#include <sanitizer/common_interface_defs.h>
#define POSEMEET_HAVE_SANITIZER_API 1
#endif
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

std::string g_target = "fuzz";
std::string g_crash_path;
// The input being run, for the crash handlers (plain globals: read from a signal handler).
const std::uint8_t* volatile g_current = nullptr;
volatile std::size_t g_current_size = 0;

// Writes the current input with async-signal-safe calls only.
void save_current_input() {
    static volatile sig_atomic_t saved = 0;
    if (saved || !g_current) return;
    saved = 1;
    const int fd = ::open(g_crash_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    std::size_t off = 0;
    while (off < g_current_size) {
        const ssize_t n = ::write(fd, g_current + off, g_current_size - off);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
    }
    ::close(fd);
    static const char msg[] = "replay: the failing input was saved to ";
    (void)!::write(2, msg, sizeof msg - 1);
    (void)!::write(2, g_crash_path.c_str(), g_crash_path.size());
    (void)!::write(2, "\n", 1);
}

extern "C" void on_abort(int) {
    save_current_input();
    std::signal(SIGABRT, SIG_DFL);
    std::raise(SIGABRT);
}

void run_one(const Bytes& input) {
    // Copy into an exactly-sized heap block so ASan catches reads past the end.
    std::uint8_t* buf = new std::uint8_t[input.size() ? input.size() : 1];
    if (!input.empty()) std::memcpy(buf, input.data(), input.size());
    g_current_size = input.size();
    g_current = buf;
    LLVMFuzzerTestOneInput(buf, input.size());
    g_current = nullptr;
    delete[] buf;
}

struct Rng {  // splitmix64: deterministic on every platform
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(next() % n) : 0; }
};

// Tokens that matter to the JSON and binary decoders alike.
const std::vector<std::string> kDictionary = {
    "{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "0", "1", "-1", "\"1\"", "2",
    "1.5", "1e400", "-0", "18446744073709551615", "9223372036854775808", "\\u0000", "\\ud800",
    "\\uDBFF\\uDFFF", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF0\x9F\x98\x80",
    "\xE4\xBD\xA0", "\"v\":1", "\"event_name\":", "\"request_id\":", "\"content\":{",
    "\"vcJoinRoom\"", "\"vcLeaveRoom\"", "\"vcSignal\"", "\"vcGetUserList\"", "\"vcResync\"",
    "\"room_id\":\"fuzz-room\"", "\"user_name\":", "\"camera\":", "\"mic\":", "\"is_silence\":",
    "\"media_relay\":", "\"to_user_id\":\"fz-2\"", "\"to_user_id\":\"fz-3\"", "\"signal\":{}",
    std::string("\x11", 1), std::string("\x12", 1), std::string("\x01\x00", 2),
    std::string("\x01\x40", 2), std::string("\x01\x41", 2), std::string("\xff\xff", 2),
    std::string("\xff\xff\xff\xff", 4), std::string("\x00\x00\x00\x80", 4),
};

Bytes mutate(Bytes b, Rng& rng, const std::vector<Bytes>& corpus, std::size_t max_len) {
    const int rounds = 1 + static_cast<int>(rng.below(6));
    for (int r = 0; r < rounds; ++r) {
        switch (rng.below(10)) {
            case 0:  // flip a bit
                if (!b.empty()) b[rng.below(b.size())] ^= static_cast<std::uint8_t>(1u << rng.below(8));
                break;
            case 1:  // random byte
                if (!b.empty()) b[rng.below(b.size())] = static_cast<std::uint8_t>(rng.next());
                break;
            case 2: {  // interesting byte
                static const std::uint8_t v[] = {0, 1, 2, 0x0F, 0x10, 0x11, 0x12, 0x21, 0x40, 0x41,
                                                 0x7F, 0x80, 0xBF, 0xC0, 0xED, 0xF4, 0xFE, 0xFF};
                if (!b.empty()) b[rng.below(b.size())] = v[rng.below(sizeof v)];
                break;
            }
            case 3:  // insert random bytes
                b.insert(b.begin() + static_cast<std::ptrdiff_t>(rng.below(b.size() + 1)), 1 + rng.below(4),
                         static_cast<std::uint8_t>(rng.next()));
                break;
            case 4:  // erase a range
                if (!b.empty()) {
                    const std::size_t at = rng.below(b.size());
                    const std::size_t n = 1 + rng.below(std::min<std::size_t>(8, b.size() - at));
                    b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
                }
                break;
            case 5:  // truncate
                b.resize(rng.below(b.size() + 1));
                break;
            case 6: {  // duplicate a chunk
                if (b.empty()) break;
                const std::size_t at = rng.below(b.size());
                const std::size_t n = 1 + rng.below(std::min<std::size_t>(64, b.size() - at));
                Bytes chunk(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
                b.insert(b.begin() + static_cast<std::ptrdiff_t>(rng.below(b.size() + 1)), chunk.begin(), chunk.end());
                break;
            }
            case 7: {  // splice with another corpus entry
                if (corpus.empty()) break;
                const Bytes& o = corpus[rng.below(corpus.size())];
                const std::size_t cut = rng.below(b.size() + 1), from = rng.below(o.size() + 1);
                b.resize(cut);
                b.insert(b.end(), o.begin() + static_cast<std::ptrdiff_t>(from), o.end());
                break;
            }
            case 8:
            case 9: {  // dictionary token, inserted or overwriting
                const std::string& t = kDictionary[rng.below(kDictionary.size())];
                const std::size_t at = rng.below(b.size() + 1);
                if (rng.below(2) && at + t.size() <= b.size())
                    std::copy(t.begin(), t.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
                else
                    b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), t.begin(), t.end());
                break;
            }
        }
    }
    if (b.size() > max_len) b.resize(max_len);
    return b;
}

bool read_file(const fs::path& p, Bytes& out) {
    std::ifstream f(p, std::ios::binary);
    if (!f) return false;
    out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    long iterations = 4000;
    std::uint64_t seed = 1;
    std::size_t max_len = 4096;
    std::vector<fs::path> paths;
    g_target = fs::path(argv[0]).filename().string();
    g_crash_path = "replay-crash-" + g_target + ".bin";
    // Failed invariants and sanitizer reports (abort_on_error=1) end in SIGABRT; a sanitizer
    // that exits instead calls the death callback.
    std::signal(SIGABRT, on_abort);
#ifdef POSEMEET_HAVE_SANITIZER_API
    __sanitizer_set_death_callback(save_current_input);
#endif
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a.rfind("--iterations=", 0) == 0) iterations = std::strtol(argv[i] + 13, nullptr, 10);
        else if (a.rfind("--seed=", 0) == 0) seed = std::strtoull(argv[i] + 7, nullptr, 10);
        else if (a.rfind("--max-len=", 0) == 0) max_len = std::strtoull(argv[i] + 10, nullptr, 10);
        else paths.emplace_back(a);
    }

    std::vector<Bytes> corpus;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<fs::path> files;
            for (const auto& e : fs::directory_iterator(p))
                if (e.is_regular_file()) files.push_back(e.path());
            std::sort(files.begin(), files.end());  // deterministic order
            for (const auto& f : files) {
                Bytes b;
                if (read_file(f, b)) corpus.push_back(std::move(b));
            }
        } else {
            Bytes b;
            if (!read_file(p, b)) {
                std::fprintf(stderr, "%s: cannot read %s\n", g_target.c_str(), p.string().c_str());
                return 2;
            }
            corpus.push_back(std::move(b));
        }
    }
    if (corpus.empty()) {
        std::fprintf(stderr, "%s: no corpus inputs (pass the seed corpus directory)\n", g_target.c_str());
        return 2;
    }

    for (const auto& b : corpus) run_one(b);
    run_one({});
    for (int c = 0; c < 256; ++c) run_one({static_cast<std::uint8_t>(c)});

    Rng rng{seed};
    for (long i = 0; i < iterations; ++i) {
        if (rng.below(5) == 0) {
            Bytes b(rng.below(rng.below(2) ? 64 : max_len + 1));
            for (auto& x : b) x = static_cast<std::uint8_t>(rng.next());
            run_one(b);
        } else {
            run_one(mutate(corpus[rng.below(corpus.size())], rng, corpus, max_len));
        }
    }
    std::printf("%s: %zu corpus inputs, 257 edge inputs, %ld generated inputs: OK\n", g_target.c_str(),
                corpus.size(), iterations);
    return 0;
}
