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
// Memory: strings passed to C++ are malloc'ed and freed around the synchronous call; the
// selection C++ returns is C++'s and is read at once.
(function() {
var LibraryPoseMeetTextInput = {
  $PMTEXT__deps: ['malloc', 'free'],
  $PMTEXT: {
    field: null, ud: 0, onText: 0, selection: 0,
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
  },

  // cb: onText(ud, utf8), selection(ud) -> utf8 of the active ImGui field's selection
  pm_text_input_init__deps: ['$PMTEXT'],
  pm_text_input_init: function(ud, onText, selection) {
    PMTEXT.ud = ud; PMTEXT.onText = onText; PMTEXT.selection = selection;
    var f = PMTEXT.field = document.createElement('input');
    f.type = 'text';
    f.id = 'pm-text-input';
    f.className = 'pm-text-input';
    f.autocomplete = 'off';
    f.spellcheck = false;
    f.setAttribute('autocapitalize', 'off');
    f.setAttribute('aria-label', 'Text input');
    f.inputMode = 'none';  // no virtual keyboard until a field is being edited
    f.addEventListener('compositionstart', function() { PMTEXT.setComposing(true); });
    f.addEventListener('compositionend', function(e) {
      PMTEXT.setComposing(false);
      PMTEXT.field.value = '';
      PMTEXT.toCpp(e.data);
    });
    f.addEventListener('input', function(e) {
      if (PMTEXT.composing || e.isComposing) return;  // compositionend brings the text
      PMTEXT.take();
    });
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
        e.preventDefault();  // ImGui deletes the selection on cut (it gets Ctrl+X as a key)
      });
    });
    document.body.appendChild(f);
    // A click on the canvas is a click into our UI: the keyboard comes back to the field.
    var canvas = document.getElementById('canvas');
    if (canvas) canvas.addEventListener('pointerdown', function() {
      setTimeout(function() { PMTEXT.field.focus({preventScroll: true}); }, 0);
    });
    window.addEventListener('focus', PMTEXT.refocus);
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
