import { Link } from '../../app/router';
import { ErrorText, Loading } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';

export function SpecialistsPage() {
  const list = useAsync(() => api.specialists(), []);
  return (
    <>
      <h1>Specialists</h1>
      <p>Pick a specialist, then a time. The Zoom meeting is created for you.</p>
      {list.loading && !list.data && <Loading what="specialists" />}
      <ErrorText error={list.error} />
      {list.data && list.data.items.length === 0 && <p className="muted">No specialists yet.</p>}
      <ul className="list cards">
        {list.data?.items.map((s) => (
          <li key={s.id} className="card">
            <h2>
              <Link to={`/specialists/${s.id}`}>{s.name}</Link>
            </h2>
            <p>{s.headline || <span className="muted">No headline yet</span>}</p>
            <p className={s.zoomConnected ? 'ok' : 'muted'}>{s.zoomConnected ? 'Taking bookings' : 'Not taking bookings yet'}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
