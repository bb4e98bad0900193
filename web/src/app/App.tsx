import { useEffect, useRef, type ReactNode } from 'react';
import { sessionStore } from '../lib/session-store';
import type { Role } from '../lib/api-types';
import { AdminPage } from '../features/admin/AdminPage';
import { ForgotPasswordPage, ResetPasswordPage, VerifyEmailBanner, VerifyEmailPage } from '../features/auth/AccountPages';
import { AccountDeletedPage, AccountPage } from '../features/auth/AccountPage';
import { SignInPage } from '../features/auth/SignInPage';
import { SignUpPage } from '../features/auth/SignUpPage';
import { loadSession, signOut, useSession, useSessionKnown } from '../features/auth/session';
import { BookingPage } from '../features/bookings/BookingPage';
import { ManagePage } from '../features/manage/ManagePage';
import { MyBookingsPage } from '../features/bookings/MyBookingsPage';
import { SpecialistPage } from '../features/specialists/SpecialistPage';
import { SpecialistsPage } from '../features/specialists/SpecialistsPage';
import { ProfilePage } from '../features/zoom-connection/ProfilePage';
import { Link, matchPath, navigate, useLocation } from './router';
import { Loading } from './ui';

function Page({ pathname }: { pathname: string }) {
  const session = useSession();
  const known = useSessionKnown();
  const user = session?.user;
  const signedIn = (roles: Role[], page: ReactNode) => {
    if (!user && !known) return <Loading what="your account" />;
    if (!user) {
      return (
        <>
          <h1>Please sign in</h1>
          <p>
            <Link to={`/signin?next=${encodeURIComponent(pathname + window.location.search)}`}>Sign in to continue</Link>.
          </p>
        </>
      );
    }
    return roles.includes(user.role) ? page : <p role="alert">This page is for {roles.join(' or ')} accounts.</p>;
  };
  if (pathname === '/') return <SpecialistsPage />;
  if (pathname === '/signup') return <SignUpPage />;
  if (pathname === '/signin') return <SignInPage />;
  if (pathname === '/verify-email') return <VerifyEmailPage />;
  if (pathname === '/account') return signedIn(['customer', 'specialist', 'admin'], user ? <AccountPage user={user} /> : null);
  if (pathname === '/account-deleted') return <AccountDeletedPage />;
  if (pathname === '/forgot-password') return <ForgotPasswordPage />;
  if (pathname === '/reset-password') return <ResetPasswordPage />;
  if (pathname === '/specialist/profile') return signedIn(['specialist'], user ? <ProfilePage user={user} /> : null);
  if (pathname === '/bookings') return signedIn(['customer', 'specialist', 'admin'], <MyBookingsPage />);
  if (pathname === '/admin') return signedIn(['admin'], <AdminPage />);
  const specialist = matchPath('/specialists/:id', pathname);
  if (specialist) return <SpecialistPage id={specialist.id!} />;
  // The link in a customer's mail: no sign-in, the token is the credential.
  const manage = matchPath('/manage/:token', pathname);
  if (manage) return <ManagePage token={manage.token!} />;
  const booking = matchPath('/bookings/:id', pathname);
  if (booking) return signedIn(['customer', 'specialist', 'admin'], <BookingPage id={booking.id!} />);
  return (
    <>
      <h1>Page not found</h1>
      <p>
        <Link to="/">Go to the specialists</Link>
      </p>
    </>
  );
}

function Nav({ pathname }: { pathname: string }) {
  const session = useSession();
  const role = session?.user.role;
  const item = (to: string, label: string) => (
    <li>
      <Link to={to} aria-current={pathname === to ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <nav aria-label="Main">
      <ul>
        {item('/', 'Specialists')}
        {role === 'specialist' && item('/specialist/profile', 'Profile')}
        {role && role !== 'admin' && item('/bookings', 'My bookings')}
        {role === 'admin' && item('/admin', 'Admin')}
        {role === 'admin' && item('/bookings', 'All bookings')}
        {role && item('/account', 'Account')}
        {!session && pathname !== '/signup' && item('/signup', 'Sign up')}
        {!session && pathname !== '/signin' && item('/signin', 'Sign in')}
      </ul>
      {session && (
        <div className="who">
          <span>{session.user.name}</span>
          <button type="button" className="secondary small" onClick={() => void signOut().finally(() => navigate('/signin'))}>
            Sign out
          </button>
        </div>
      )}
    </nav>
  );
}

export function App() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // A new page moves focus to its heading, so keyboard and screen-reader users start there (not on the old link)
  // and hear which page they are on; the title follows it.
  useEffect(() => {
    const heading = main.current?.querySelector('h1');
    document.title = heading?.textContent ? `${heading.textContent} · Specialist booking` : 'Specialist booking';
    if (first.current) {
      first.current = false;
      return;
    }
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    } else main.current?.focus();
  }, [pathname]);
  // Who the session cookie belongs to (nobody: signed out); again whenever another tab signs in or out.
  useEffect(() => {
    void loadSession();
    sessionStore.onOtherTab(() => void loadSession());
  }, []);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <Link to="/" className="brand">
          Specialist booking
        </Link>
        <Nav pathname={pathname} />
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {pathname !== '/verify-email' && <VerifyEmailBanner />}
        <Page pathname={pathname} />
      </main>
    </>
  );
}
