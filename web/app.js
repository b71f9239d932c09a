// The page's entry point: sign-in state, the header, and the router.
import { createRouter } from './router.js';
import { routes } from './routes.js';
import { apiKey, signOut, takeKeyFromFragment } from './session.js';
import { renderSignIn } from './views/sign-in.js';

const main = document.getElementById('main');
const nav = document.getElementById('site-nav');
const signOutButton = document.getElementById('sign-out');

const router = createRouter(routes, main, {
  onRoute(route) {
    for (const link of nav.querySelectorAll('a')) {
      if (route && link.dataset.section === route.section) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  },
});

function showApp() {
  nav.hidden = false;
  signOutButton.hidden = false;
  void router.render();
}

function showSignIn(reason) {
  router.stop();
  nav.hidden = true;
  signOutButton.hidden = true;
  renderSignIn(main, { reason, onSignedIn: showApp });
}

window.addEventListener('hashchange', () => {
  // A sign-in link opened in a tab that already shows the page.
  if (takeKeyFromFragment()) showApp();
  else if (apiKey()) void router.render();
});
window.addEventListener('signed-out', (event) => showSignIn(event.detail.reason));
signOutButton.addEventListener('click', () => signOut('You are signed out.'));
// The skip link's #main would be read as a route; focus the content instead.
document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

takeKeyFromFragment();
if (apiKey()) showApp();
else showSignIn('');
