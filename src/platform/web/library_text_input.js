// Thin browser glue for typing into the canvas UI (used by text_field_bridge.cpp): one
// hidden <input> that holds the keyboard focus for the page, so that everything a native
// text field gets reaches Dear ImGui's fields too: characters from any keyboard layout,
// input-method composition (Chinese, Japanese, Korean; the candidate window opens next to
// the caret because the input sits there), paste, copy and cut (from the selection of the
// ImGui field being edited), and a virtual keyboard on touch screens while a field is
// being edited. Keys that are not text (Tab, Enter, arrows, Ctrl+A...) still reach ImGui as
// keys through canvas_input.cpp.
//
// While a composition is under way the input shows it (the only place the not-yet-chosen
// text can be seen); the committed text goes to C++ and the input empties again.
//
// A right-click on one of the UI's text fields puts the input over that field, holding the
// field's selection, so the browser shows its own text menu there: Paste arrives as typed
// text, Copy and Cut take the selection, Select all and Cut are passed on as commands.
//
// Memory: strings passed to C++ are malloc'ed and freed around the synchronous call; the
// selection C++ returns is C++'s and is read at once.
(function() {
var LibraryPoseMeetTextInput = {
  $PMTEXT__deps: ['malloc', 'free'],
  $PMTEXT: {
    field: null, ud: 0, onText: 0, selection: 0, onCommand: 0,
    fields: [],          // [x, y, w, h] of the UI's text fields, CSS pixels
    contextMenu: false,  // the input sits over a field for the browser's text menu
    ownSelect: false,    // the next 'select' event is ours (the field's selection put in)
    composing: false,
    editing: false,  // an ImGui text field is active (C++ says so every frame)

    toCpp: function(text) {
      if (!text || !PMTEXT.ud) return;
      var n = lengthBytesUTF8(text) + 1, p = _malloc(n);
      stringToUTF8(text, p, n);
      try { {{{ makeDynCall('vii', 'PMTEXT.onText') }}}(PMTEXT.ud, p); } finally { _free(p); }
    },
    setComposing: function(on) {
      PMTEXT.composing = on;
      PMTEXT.field.classList.toggle('pm-composing', on);
    },
    // Takes what the browser put into the input as typed text, and empties it.
    take: function() {
      var text = PMTEXT.field.value;
      PMTEXT.field.value = '';
      PMTEXT.toCpp(text.replace(/\r\n|\r|\n/g, ' '));
    },
    // The page's keyboard stays with the field unless the user went to another control
    // (the self-view's buttons, a page that embeds us).
    refocus: function() {
      var active = document.activeElement;
      if (active === PMTEXT.field) return;
      if (active && active !== document.body && active.id !== 'canvas') return;
      PMTEXT.field.focus({preventScroll: true});
    },
    selectedText: function() {
      return PMTEXT.ud ? UTF8ToString({{{ makeDynCall('ii', 'PMTEXT.selection') }}}(PMTEXT.ud)) : '';
    },
    command: function(c) { if (PMTEXT.ud) {{{ makeDynCall('vii', 'PMTEXT.onCommand') }}}(PMTEXT.ud, c); },
    // A right mouse button over a text field: the input goes over it for the browser's menu.
    onPointerDown: function(e) {
      if (PMTEXT.contextMenu) PMTEXT.endContextMenu();
      if (e.button !== 2 || !PMTEXT.field) return;
      for (var i = 0; i < PMTEXT.fields.length; i++) {
        var r = PMTEXT.fields[i];
        if (e.clientX < r[0] || e.clientX > r[0] + r[2] || e.clientY < r[1] || e.clientY > r[1] + r[3]) continue;
        var f = PMTEXT.field;
        f.style.left = r[0] + 'px'; f.style.top = r[1] + 'px';
        f.style.width = r[2] + 'px'; f.style.height = r[3] + 'px';
        f.classList.add('pm-context');
        PMTEXT.contextMenu = true;
        f.value = PMTEXT.selectedText();
        f.focus({preventScroll: true});
        PMTEXT.ownSelect = f.value.length > 0;
        f.select();
        return;
      }
    },
    endContextMenu: function() {
      var f = PMTEXT.field;
      PMTEXT.contextMenu = false;
      f.classList.remove('pm-context');
      f.style.width = f.style.height = '';
      f.value = '';
    },
  },

  // cb: onText(ud, utf8), selection(ud) -> utf8 of the active ImGui field's selection,
  //     onCommand(ud, 1 = select all | 2 = delete the selection) from the browser's text menu
  pm_text_input_init__deps: ['$PMTEXT'],
  pm_text_input_init: function(ud, onText, selection, onCommand) {
    PMTEXT.ud = ud; PMTEXT.onText = onText; PMTEXT.selection = selection; PMTEXT.onCommand = onCommand;
    var f = PMTEXT.field = document.createElement('input');
    f.type = 'text';
    f.id = 'pm-text-input';
    f.className = 'pm-text-input';
    f.autocomplete = 'off';
    f.spellcheck = false;
    f.setAttribute('autocapitalize', 'off');
    // Read out by screen readers when it has the focus, in the page's language.
    var label = function() { f.setAttribute('aria-label', window.posemeetWords ? window.posemeetWords('Text input') : 'Text input'); };
    label();
    document.addEventListener('posemeet-language', label);
    f.inputMode = 'none';  // no virtual keyboard until a field is being edited
    f.addEventListener('compositionstart', function() { PMTEXT.setComposing(true); });
    f.addEventListener('compositionend', function(e) {
      PMTEXT.setComposing(false);
      PMTEXT.field.value = '';
      PMTEXT.toCpp(e.data);
    });
    f.addEventListener('input', function(e) {
      if (PMTEXT.composing || e.isComposing) return;  // compositionend brings the text
      var fromMenu = PMTEXT.contextMenu;
      PMTEXT.take();  // from the menu: Paste, replacing the field's selection
      if (fromMenu) PMTEXT.endContextMenu();
    });
    f.addEventListener('select', function() {
      if (!PMTEXT.contextMenu) return;
      if (PMTEXT.ownSelect) { PMTEXT.ownSelect = false; return; }
      PMTEXT.command(1);  // the menu's Select all: the whole ImGui field
    });
    f.addEventListener('blur', function() { if (PMTEXT.contextMenu) PMTEXT.endContextMenu(); });
    f.addEventListener('keydown', function() { if (PMTEXT.contextMenu) PMTEXT.endContextMenu(); });
    // Copy and cut take the ImGui field's selection (the hidden input has none): allowing
    // them in beforecopy/beforecut enables the browser's command with nothing selected here.
    // The keys may still wait for their frame (a selection made by Ctrl+A just before):
    // ImGui's own copy then writes the clipboard when it gets them (pm_text_input_set_clipboard).
    ['beforecopy', 'beforecut'].forEach(function(type) {
      f.addEventListener(type, function(e) { if (PMTEXT.editing) e.preventDefault(); });
    });
    ['copy', 'cut'].forEach(function(type) {
      f.addEventListener(type, function(e) {
        var text = PMTEXT.selectedText();
        if (!text) return;
        e.clipboardData.setData('text/plain', text);
        e.preventDefault();  // on Ctrl+X ImGui deletes the selection itself (it gets the key)
        if (type === 'cut' && PMTEXT.contextMenu) PMTEXT.command(2);  // the menu's Cut: delete it
        if (PMTEXT.contextMenu) PMTEXT.endContextMenu();
      });
    });
    document.body.appendChild(f);
    // A click on the canvas is a click into our UI: the keyboard comes back to the field.
    var canvas = document.getElementById('canvas');
    if (canvas) canvas.addEventListener('pointerdown', function() {
      setTimeout(function() { PMTEXT.field.focus({preventScroll: true}); }, 0);
    });
    window.addEventListener('focus', PMTEXT.refocus);
    // Before the canvas's own handlers (capture on the document), so the input is in place
    // when the browser looks for what was right-clicked.
    document.addEventListener('pointerdown', PMTEXT.onPointerDown, true);
    PMTEXT.refocus();
  },

  // Every frame: whether an ImGui text field is being edited, and where its caret is (CSS px).
  pm_text_input_place__deps: ['$PMTEXT'],
  pm_text_input_place: function(editing, x, y, lineHeight) {
    var f = PMTEXT.field;
    if (!f) return;
    PMTEXT.editing = !!editing;
    var mode = editing ? 'text' : 'none';
    if (f.inputMode !== mode) f.inputMode = mode;
    if (editing) {
      var left = Math.round(x) + 'px', top = Math.round(y) + 'px', height = Math.round(lineHeight) + 'px';
      if (f.style.left !== left) f.style.left = left;
      if (f.style.top !== top) f.style.top = top;
      if (f.style.height !== height) f.style.height = height;
      PMTEXT.refocus();
    }
  },

  // ImGui copied or cut text (Ctrl+C, Ctrl+X as it processes them): the system clipboard gets it.
  pm_text_input_set_clipboard: function(utf8) {
    var text = UTF8ToString(utf8);
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(function() {});
  },

  // The UI's text fields this frame: count rectangles of 4 floats (x, y, w, h; CSS pixels).
  pm_text_input_fields__deps: ['$PMTEXT'],
  pm_text_input_fields: function(ptr, count) {
    var out = [];
    for (var i = 0; i < count; i++) {
      var p = (ptr >> 2) + 4 * i;
      out.push([HEAPF32[p], HEAPF32[p + 1], HEAPF32[p + 2], HEAPF32[p + 3]]);
    }
    PMTEXT.fields = out;
  },

  pm_text_input_composing__deps: ['$PMTEXT'],
  pm_text_input_composing: function() { return PMTEXT.composing ? 1 : 0; },

  // Where key events go: 0 the page (body, canvas), 1 the hidden field, 2 another element
  // (a control of the page that embeds us, the self-view's buttons): not ours to handle.
  pm_text_input_focus__deps: ['$PMTEXT'],
  pm_text_input_focus: function() {
    var a = document.activeElement;
    if (PMTEXT.field && a === PMTEXT.field) return 1;
    return !a || a === document.body || a.id === 'canvas' ? 0 : 2;
  },
};
autoAddDeps(LibraryPoseMeetTextInput, '$PMTEXT');
mergeInto(LibraryManager.library, LibraryPoseMeetTextInput);
})();
