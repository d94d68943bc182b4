// Runs every end-to-end scenario and prints a summary line; figures measured on the way
// are written to build/e2e/figures.json (see README "Measured figures").
import fs from 'node:fs';
import path from 'node:path';
import { Harness } from './lib/harness.mjs';
import { ARTIFACTS } from './lib/processes.mjs';
import * as meeting from './meeting.e2e.mjs';
import * as resilience from './resilience.e2e.mjs';
import * as controls from './controls.e2e.mjs';
import * as audio from './audio.e2e.mjs';
import * as http_form from './http_form.e2e.mjs';
import * as tokens from './tokens.e2e.mjs';
import * as room_service from './room_service.e2e.mjs';
import * as camera from './camera.e2e.mjs';
import * as ui from './ui.e2e.mjs';
import * as webhooks from './webhooks.e2e.mjs';
import * as audit from './audit.e2e.mjs';
import * as invitations from './invitations.e2e.mjs';
import * as large_room from './large_room.e2e.mjs';
import * as slow_reader from './slow_reader.e2e.mjs';

const h = new Harness();
const figures = {};
// POSEMEET_E2E_ONLY=audio,controls runs just those scenarios (while working on one).
const all = { meeting, resilience, controls, audio, http_form, tokens, room_service, webhooks, audit, invitations, large_room, slow_reader, camera, ui };
const only = (process.env.POSEMEET_E2E_ONLY || '').split(',').filter(Boolean);
for (const scenario of only.length ? only.map((n) => all[n]) : Object.values(all)) {
  try { await scenario.run(h, figures); } catch (e) { h.crash(e); }
}
fs.mkdirSync(ARTIFACTS, { recursive: true });
fs.writeFileSync(path.join(ARTIFACTS, 'figures.json'), JSON.stringify(figures, null, 2));
console.log('\nfigures:', JSON.stringify(figures));
if (h.failures.length) console.log('failed checks:\n  ' + h.failures.join('\n  '));
console.log(`e2e: ${h.passed} passed, ${h.failed} failed`);
process.exit(h.failed ? 1 : 0);
