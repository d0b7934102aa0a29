// The invitation console (/): sign up or log in, then manage an organization's invitations, live
// over graphql-ws. urql and React load only here, never on the accept page.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { loadSession, type Session, saveSession } from '../shared/api.js';
import { Auth } from './Auth.js';
import { Console } from './Console.js';
import { clientFor } from './client.js';
import './console.css';

function App() {
  const [session, setSession] = useState(loadSession);
  const [client, setClient] = useState(() => clientFor(session));
  const change = (next: Session | null) => {
    saveSession(next);
    setSession(next);
    setClient(clientFor(next));
  };
  return (
    <Provider value={client}>
      {session ? (
        <Console session={session} onSignOut={() => change(null)} />
      ) : (
        <main>
          <Auth onSession={change} />
        </main>
      )}
    </Provider>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
