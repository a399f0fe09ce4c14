'use strict';
// The sign-in page's only script: says why the last attempt failed, as text.
(function () {
  const params = new URLSearchParams(location.search);
  const box = document.getElementById('login-error');
  let text = params.get('failed');
  if (params.has('expired')) {
    text = 'That sign-in link was used already or is not this node\'s: sign in with a user name and password.';
  }
  if (text) {
    box.textContent = text;
    box.hidden = false;
  }
})();
