// The page's entry point: sign-in state, the header, and the router.
import { replace } from './dom.js';
import { forgetMe, loadMe, may, roleNames, watchPermissions } from './permissions.js';
import { createRouter } from './router.js';
import { routes } from './routes.js';
import { apiKey, signOut, takeKeyFromFragment } from './session.js';
import { problemPanel } from './views/problem.js';
import { renderSignIn } from './views/sign-in.js';

const main = document.getElementById('main');
const nav = document.getElementById('site-nav');
const signOutButton = document.getElementById('sign-out');
const who = document.getElementById('who');

const router = createRouter(routes, main, {
  onRoute(route) {
    for (const link of nav.querySelectorAll('a')) {
      if (route && link.dataset.section === route.section) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  },
});

// Who is signed in decides what the header offers and which controls are enabled (web/permissions.js).
async function showApp() {
  try {
    const me = await loadMe();
    replace(who, me.member.name, ' · ', roleNames[me.member.role] ?? me.member.role);
  } catch (error) {
    if (error.status !== 401) replace(main, problemPanel('Could not sign in', error.message, showApp));
    return;
  }
  for (const link of nav.querySelectorAll('[data-nav-needs]'))
    link.parentElement.hidden = !may(link.dataset.navNeeds);
  nav.hidden = false;
  who.hidden = false;
  signOutButton.hidden = false;
  void router.render();
}

function showSignIn(reason) {
  router.stop();
  forgetMe();
  nav.hidden = true;
  who.hidden = true;
  signOutButton.hidden = true;
  renderSignIn(main, { reason, onSignedIn: showApp });
}

window.addEventListener('hashchange', () => {
  // A sign-in link opened in a tab that already shows the page.
  if (takeKeyFromFragment()) void showApp();
  else if (apiKey()) void router.render();
});
window.addEventListener('signed-out', (event) => showSignIn(event.detail.reason));
signOutButton.addEventListener('click', () => signOut('You are signed out.'));
// The skip link's #main would be read as a route; focus the content instead.
document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

watchPermissions(main);
takeKeyFromFragment();
if (apiKey()) void showApp();
else showSignIn('');
