// In-page clocks for the end-to-end checks (STYLE habit 13): events stamped by the page when
// they arrive, and state snapshots stamped in the same task that reads them, so neither the
// test's polling nor a busy page's queue of evaluate() calls ever enters a timing.
import { waitFor } from './harness.mjs';

// Every event the page API emits about the meeting (web/posemeet-api.js, README "JavaScript API").
export const EVENT_NAMES = ['status', 'joined', 'resumed', 'left', 'ended', 'replaced', 'disconnected', 'error',
  'reply', 'inform', 'participantJoined', 'participantLeft', 'hostChanged', 'mediaCongestion'];

// Starts recording the page's events as {name, data, at}. `at` is the page's Date.now() (not
// performance.now(), whose origin differs per page), so stamps from different pages and from
// node compare on the machine's one clock. Idempotent: a second call keeps the first log.
export function recordEvents(p, names = EVENT_NAMES) {
  return p.page.evaluate((names) => {
    if (window.__pmEvents) return;
    window.__pmEvents = [];
    for (const name of names) {
      window.PoseMeet.on(name, (data) => window.__pmEvents.push({ name, data, at: Date.now() }));
    }
  }, names);
}

// The events recorded so far (see recordEvents).
export const recordedEvents = (p) => p.page.evaluate(() => window.__pmEvents || []);

// Waits until the page has recorded an event for which match(event) holds; resolves to that
// event (its `at` is when the page got it) or null after timeoutMs.
export function waitForEvent(p, match, timeoutMs = 10000) {
  return waitFor(async () => (await recordedEvents(p)).find(match), timeoutMs);
}

// A state() snapshot and the page's performance.now() read in the same task: rates over two
// such snapshots use the page's own time between them, whatever the test's clock did.
export const stampedState = (p) =>
  p.page.evaluate(() => ({ at: performance.now(), wall: Date.now(), state: window.PoseMeet.state() }));

// Two stamped snapshots that the page takes itself, `ms` of its own time apart (or more, if
// its main thread stalls when the timer is due: the stamps say how long it really was).
export const stampedWindow = (p, ms) => p.page.evaluate((ms) => new Promise((resolve) => {
  const snap = () => ({ at: performance.now(), wall: Date.now(), state: window.PoseMeet.state() });
  const first = snap();
  setTimeout(() => resolve([first, snap()]), ms);
}), ms);
