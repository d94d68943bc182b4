// The canvas UI as a person uses it (issue 10), in one headless Chromium against the real
// server: typing Chinese through an input method (the DevTools protocol's IME composition,
// as an IME sends it), pasting from the clipboard, copying and cutting from a field, into
// the join screen's name field and the chat. Each check reads what arrived at the server's
// other end (the joined name, the chat line a bot received), i.e. exactly what was typed.
// Then: the live region a screen reader hears, the tab's title, and the top bar at 320 to
// 1920 px: every control on screen, none over another, every action on the bar or in More.
import path from 'node:path';
import { waitFor } from './lib/harness.mjs';
import { decodePng, cropPng, countColorPixels } from './lib/png.mjs';
import { startServer, startBot, openParticipant, state, ARTIFACTS } from './lib/processes.mjs';

const ROOM = 'ui';

const controls = (p) => p.page.evaluate(() => window.PoseMeet.test.uiControls());
// Clicks the middle of a control the UI reports having drawn ("chat/Message").
async function clickControl(p, name) {
  const r = await waitFor(async () => (await controls(p))[name], 10000);
  if (!r) throw new Error(`control not drawn: ${name}`);
  await p.page.mouse.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
}
// An input method's composition, as Chromium's DevTools protocol delivers one: the
// composition text grows key by key (shown in the page), then the chosen characters commit.
async function imeType(cdp, reading, chosen) {
  for (let i = 1; i <= reading.length; i++)
    await cdp.send('Input.imeSetComposition', { text: reading.slice(0, i), selectionStart: i, selectionEnd: i });
  await cdp.send('Input.insertText', { text: chosen });
}
async function paste(p, text) {
  await p.page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await p.page.keyboard.press('Control+V');
}
// The top bar's own controls (not its popups'): {name: [x, y, w, h]}.
const barControls = (all) => Object.fromEntries(Object.entries(all)
  .filter(([n]) => n.startsWith('bar/') && n.indexOf('/', 4) < 0).map(([n, r]) => [n.slice(4), r]));
async function framesLater(p, n) {
  const start = (await state(p)).render.frames;
  await waitFor(async () => (await state(p)).render.frames >= start + n, 10000);
}
const clipboard = (p) => p.page.evaluate(() => navigator.clipboard.readText());
// The chat lines a page holds (its own included), newest last.
const chatLines = async (p) => ((await state(p))?.meeting?.chat || []).map((m) => m.message);

export async function run(h) {
  h.begin('ui: typing, input methods and the clipboard');
  const server = await startServer();
  const bot = startBot(server.ws, { room: ROOM, name: 'Listener' });
  let page;
  try {
    // The join screen at 10 fps (a slow page: events between frames must keep their order).
    page = await openParticipant(`${server.url}/?fps=10&theme=system`, { viewport: { width: 900, height: 600 }, pose: 'camera' });
    await page.page.emulateMedia({ colorScheme: 'dark' });
    await page.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const cdp = await page.page.context().newCDPSession(page.page);
    await waitFor(async () => (await state(page))?.render.frames > 2 && (await controls(page))['join/Your name'], 10000);

    // The name field has the focus: "陈" through the IME, then " Xiao" pasted, then "明".
    await imeType(cdp, 'chen', '陈');
    await paste(page, ' Xiao');
    await imeType(cdp, 'ming', '明');
    await page.page.keyboard.press('Tab');
    await page.page.keyboard.press('Control+A');
    await page.page.keyboard.type(ROOM);
    await page.page.keyboard.press('Enter');
    const joined = await waitFor(async () => {
      const s = await state(page);
      return s?.status === 'joined' ? s : null;
    }, 15000);
    h.check('join screen: a name typed through an input method and paste arrives exactly ("陈 Xiao明")',
      joined?.self?.user_name === '陈 Xiao明' && joined?.room?.room_id === ROOM &&
      !!(await waitFor(() => bot.log.includes('participantJoined 陈 Xiao明 (') || null, 10000)),
      JSON.stringify({ name: joined?.self?.user_name, room: joined?.room?.room_id }));

    h.check('the page joins with the camera state that is true (no camera in use: camera 0)',
      joined?.self?.camera === 0, JSON.stringify(joined?.self));
    const titled = await waitFor(async () => (await page.page.title()) === `${ROOM} - PoseMeet`, 5000);
    h.check('the tab\'s title names the room', !!titled, await page.page.title());

    // Screen readers: someone joins (through the HTTP form of the API) and writes in the chat;
    // the page's live region says both.
    const post = async (body) => (await fetch(`${server.url}/api/v1/rts/message`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
    const hana = await post({ event_name: 'vcJoinRoom', content: { room_id: ROOM, user_name: 'Hana' } });
    await post({ event_name: 'vcSendMessage', content: { room_id: ROOM, user_id: hana.data.user.user_id,
                                                          token: hana.data.token, message: 'hello from Hana' } });
    const liveText = () => page.page.evaluate(() => {
      const r = document.getElementById('pm-live');
      return r && r.getAttribute('aria-live') === 'polite' ? r.textContent : '';
    });
    const announced = await waitFor(async () => {
      const t = await liveText();
      return /Hana joined\./.test(t) && /Hana says: hello from Hana/.test(t) ? t : null;
    }, 10000);
    h.check('the ARIA live region announces a join and a chat message', !!announced,
      JSON.stringify({ live: await liveText(), hana: hana.code, people: (await state(page)).participants.map((x) => x.user_name) }));

    // Chat: composition, paste (a line break in the clipboard becomes a space), Enter.
    await clickControl(page, 'chat/Message');
    await imeType(cdp, 'nihao', '你好');
    await paste(page, ', world\nagain');
    await imeType(cdp, 'shijie', '世界');
    await page.page.keyboard.press('Enter');
    const expected = '你好, world again世界';
    const heard = await waitFor(() => bot.log.includes(expected) || null, 10000);
    const sent = await chatLines(page);
    h.check('chat: Chinese through an input method and pasted text reach the room exactly as typed',
      !!heard && sent.includes(expected), JSON.stringify(sent));
    h.check('the composition never reaches the field half-typed (no "nihao", "shijie" in any message)',
      !sent.some((m) => /nihao|shijie|chen|ming/.test(m)), JSON.stringify(sent));

    // Copy and cut: the field's selection goes to the system clipboard.
    await page.page.keyboard.type('copy me');
    await page.page.keyboard.press('Control+A');
    await page.page.keyboard.press('Control+C');
    const copied = await waitFor(async () => (await clipboard(page)) === 'copy me' || null, 5000);
    h.check('Ctrl+C in a field puts its selection on the clipboard', !!copied, JSON.stringify(await clipboard(page)));
    await page.page.evaluate(() => navigator.clipboard.writeText(''));
    await page.page.keyboard.press('Control+X');
    const cut = await waitFor(async () => (await clipboard(page)) === 'copy me' || null, 5000);
    await page.page.keyboard.type('after cut');
    await page.page.keyboard.press('Enter');
    const afterCut = await waitFor(async () => (await chatLines(page)).includes('after cut') || null, 10000);
    h.check('Ctrl+X puts the selection on the clipboard and removes it from the field',
      !!cut && !!afterCut, JSON.stringify({ clipboard: await clipboard(page), sent: await chatLines(page) }));

    // The browser's text menu: a right-click on the chat field puts the page's own text field
    // over it, holding the field's selection (so the menu's Copy copies it); what the menu
    // then puts there (Paste) replaces the selection, as in a native field.
    await page.page.evaluate(() => {
      window.__menuTargets = [];
      document.addEventListener('contextmenu', (e) => window.__menuTargets.push(e.target.id), true);
    });
    await page.page.keyboard.type('menu text');
    await page.page.keyboard.press('Control+A');
    // The page has handed every key to the UI (a slow page takes a few frames) and drawn after.
    await waitFor(async () => (await state(page)).render.input_queued === 0, 5000);
    await framesLater(page, 2);
    const field = (await controls(page))['chat/Message'];
    await page.page.mouse.click(field[0] + field[2] / 2, field[1] + field[3] / 2, { button: 'right' });
    const menu = await page.page.evaluate(() => {
      const f = document.getElementById('pm-text-input');
      return { targets: window.__menuTargets, value: f.value, selected: f.selectionEnd - f.selectionStart,
               focused: document.activeElement === f };
    });
    await cdp.send('Input.insertText', { text: 'pasted by menu' });
    await page.page.keyboard.press('Enter');
    const menuPaste = await waitFor(async () => (await chatLines(page)).includes('pasted by menu') || null, 10000);
    h.check('a right-click on a text field opens the browser\'s text menu over it, with its selection, and what the menu pastes replaces it',
      menu.targets.includes('pm-text-input') && menu.value === 'menu text' && menu.selected === 9 && !!menuPaste,
      JSON.stringify({ ...menu, sent: await chatLines(page) }));

    // The top bar at phone, tablet and desktop widths: no control overlaps another or leaves
    // the window, and every action is on the bar or in its More menu. Screenshots are saved
    // in build/e2e/ for a person to look at.
    for (const width of [320, 400, 768, 1280, 1920]) {
      await page.page.setViewportSize({ width, height: 640 });
      await waitFor(async () => (await controls(page))['bar/Leave']?.[0] + 10 > width - 120, 10000);
      await framesLater(page, 2);
      const bar = barControls(await controls(page));
      const barHeight = 48 * (await state(page)).render.ui_scale;  // the UI grows on large windows
      await page.page.screenshot({ path: path.join(ARTIFACTS, `ui-width-${width}.png`) });
      const problems = [];
      for (const [name, [x, y, w, h]] of Object.entries(bar)) {
        if (x < 0 || x + w > width || y < 0 || y + h > barHeight) problems.push(`${name} outside the bar`);
        for (const [other, o] of Object.entries(bar))
          if (other < name && x < o[0] + o[2] && o[0] < x + w && y < o[1] + o[3] && o[1] < y + h) problems.push(`${name} overlaps ${other}`);
      }
      let inMore = [];
      if (bar.More) {
        await clickControl(page, 'bar/More');
        inMore = await waitFor(async () => {
          const names = Object.keys(await controls(page)).filter((n) => n.startsWith('bar/more/')).map((n) => n.slice(9));
          return names.length ? names : null;
        }, 5000) || [];
        await page.page.screenshot({ path: path.join(ARTIFACTS, `ui-width-${width}-more.png`) });
        await page.page.keyboard.press('Escape');
        const closed = await waitFor(async () => !Object.keys(await controls(page)).some((n) => n.startsWith('bar/more/')), 5000);
        h.check(`at ${width} px Escape closes the More menu`, !!closed);
      }
      const actions = ['Unmute', 'Mute', 'Microphone settings', 'Camera on', 'Camera off', 'Camera settings',
                       'Share', 'Ask to share', 'Leave'];
      const reachable = (a) => !!bar[a] || inMore.includes(a);
      const missing = [['Unmute', 'Mute'], ['Microphone settings'], ['Camera on', 'Camera off'], ['Camera settings'],
                       ['Share', 'Ask to share'], ['Leave']].filter((alts) => !alts.some(reachable)).map((a) => a[0]);
      h.check(`at ${width} px the top bar's controls do not overlap or leave the window, and every action is reachable`,
        !problems.length && !missing.length && actions.length > 0,
        JSON.stringify({ problems, missing, bar: Object.keys(bar), more: inMore }));
    }

    // Light and dark: the page follows the browser's setting, and the user's choice wins.
    await page.page.setViewportSize({ width: 1280, height: 640 });
    await page.page.emulateMedia({ colorScheme: 'light' });
    const light = await waitFor(async () => (await state(page)).ui.theme === 'light', 10000);
    await framesLater(page, 2);
    const lightShot = decodePng(await page.page.screenshot({ path: path.join(ARTIFACTS, 'ui-light-1280.png') }));
    const lightBar = countColorPixels(cropPng(lightShot, 0, 0, 1280, 48), [250, 251, 253], 2);
    h.check('with the system set to light the UI turns light (the bar is light)', !!light && lightBar > 20000,
      `${lightBar} light px in the bar`);
    await page.page.evaluate(() => window.PoseMeet.setTheme('dark'));
    const dark = await waitFor(async () => {
      const s = await state(page);
      return s.ui.theme === 'dark' && s.ui.theme_choice === 'dark';
    }, 10000);
    h.check('... and PoseMeet.setTheme("dark") makes it dark again', !!dark, JSON.stringify((await state(page)).ui));
    await page.page.emulateMedia({ colorScheme: 'dark' });

    // Chinese: the page API switches the language; the UI's words change (its controls keep
    // their names), and the live region speaks Chinese too: Hana leaves, it says so.
    await page.page.evaluate(() => window.PoseMeet.setLanguage('zh'));
    const zh = await waitFor(async () => (await state(page)).ui.language === 'zh', 5000);
    await framesLater(page, 3);
    await page.page.screenshot({ path: path.join(ARTIFACTS, 'ui-zh-1280.png') });
    await post({ event_name: 'vcLeaveRoom', content: { room_id: ROOM, user_id: hana.data.user.user_id, token: hana.data.token } });
    const leftInChinese = await waitFor(async () => /Hana 离开了。/.test(await liveText()) || null, 10000);
    h.check('in Chinese the live region says that Hana left ("Hana 离开了。"), and the controls keep their names',
      !!zh && !!leftInChinese && !!(await controls(page))['bar/Leave'], JSON.stringify(await liveText()));
    const pageLang = await page.page.evaluate(() => document.documentElement.lang);
    h.check('the page says its language (<html lang="zh-CN">) for screen readers and its own elements', pageLang === 'zh-CN', pageLang);
  } finally {
    if (page) await page.close();
    await bot.stop();
    await server.stop();
  }
}
