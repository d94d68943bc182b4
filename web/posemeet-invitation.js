// PoseMeet invitation card (window.PoseMeetInvitation): what an invitation's decline link
// (`?token=…&decline=1`, made by POST /api/v1/rooms/{room}/invitations) opens. It says which
// meeting the invitation is for and under which name, and offers Join or Decline before
// anything is loaded: Join goes on to the meeting with the same token; Decline tells the
// server (POST /api/v1/invitations/decline), so the host sees "declined" at once instead of
// waiting for the invitation to time out.
//
//   PoseMeetInvitation.show({token, room, name, server, words, onJoin})
// server: the meeting's ws:// or wss:// address (its HTTP origin takes the decline).
// words: the page's catalogue (posemeetWords). onJoin(): called once, when Join is pressed.
(function () {
  'use strict';

  // What the person is told for each answer of the decline endpoint.
  var ANSWERS = {
    200: 'You declined the invitation. The host has been told.',
    401: 'This link is not valid.',
    404: 'This invitation no longer exists.',
    409: 'Too late to decline: this invitation was already answered or has expired.',
  };

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;  // text, never markup: names come from the token
    return e;
  }

  function show(options) {
    var words = options.words;
    var overlay = element('div', 'pm-overlay pm-invitation');
    overlay.setAttribute('role', 'dialog');
    overlay.setAttribute('aria-labelledby', 'pm-invitation-title');
    var card = element('div', 'pm-card');
    var title = element('div', 'pm-title', words('You are invited'));
    title.id = 'pm-invitation-title';
    var what = element('p', 'pm-invitation-what',
                       words('Meeting “%1”, as %2.', options.room || '?', options.name || '?'));
    var result = element('p', 'pm-invitation-result');
    result.setAttribute('role', 'status');
    var buttons = element('div', 'pm-buttons');
    var join = element('button', 'pm-button pm-button-primary', words('Join'));
    var decline = element('button', 'pm-button', words('Decline'));
    join.type = decline.type = 'button';
    buttons.appendChild(join);
    buttons.appendChild(decline);
    card.appendChild(title);
    card.appendChild(what);
    card.appendChild(buttons);
    card.appendChild(result);
    overlay.appendChild(card);
    document.body.appendChild(overlay);
    join.focus();

    join.addEventListener('click', function () {
      overlay.remove();
      options.onJoin();
    });
    decline.addEventListener('click', function () {
      join.disabled = decline.disabled = true;
      result.textContent = words('Declining…');
      var base = options.server.replace(/^ws/, 'http').replace(/\/ws$/, '');
      fetch(base + '/api/v1/invitations/decline', {
        method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({token: options.token}), cache: 'no-store',
      }).then(function (res) {
        var said = ANSWERS[res.status];
        if (!said) throw new Error('HTTP ' + res.status);
        result.textContent = words(said);
        // Answered for good: nothing left to press, except after a 409, when the invitation
        // was already taken up or timed out and the token may still let this person in.
        buttons.remove();
        if (res.status === 409) {
          join.disabled = false;
          decline.remove();
          card.appendChild(buttons);
        }
        overlay.dataset.answer = String(res.status);
      }).catch(function (err) {
        // The server could not be reached: the person may try again.
        result.textContent = words('Could not reach the server: %1', err.message);
        join.disabled = decline.disabled = false;
      });
    });
    return overlay;
  }

  window.PoseMeetInvitation = {show: show};
})();
