'use strict';
// The sign-in page's only script: says why the last attempt failed. The query names a reason, never
// the words: a link to this page cannot make it say anything else.
(function () {
  const reasons = {
    password: 'Wrong user name or password.',
    throttled: 'Too many failed sign-ins: wait a minute.',
    missing: 'Give a user name and a password.'
  };
  const params = new URLSearchParams(location.search);
  const box = document.getElementById('login-error');
  let text = reasons[params.get('failed')];
  if (params.has('expired')) {
    text = 'That sign-in link was used already or is not this node\'s: sign in with a user name and password.';
  }
  if (text) {
    box.textContent = text;
    box.hidden = false;
  }
})();
