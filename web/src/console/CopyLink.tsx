// A link shown once (the accept link of a send or resend), with a button that copies it.
import { useState } from 'react';

export function CopyLink({ url, label }: { url: string; label: string }) {
  const [copied, setCopied] = useState('');
  const id = `copy-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div className="copy">
      <label htmlFor={id}>{label}</label>
      <span className="hint">Shown once: copy it now if you want to send it yourself.</span>
      <span className="row">
        <input id={id} readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
        <button
          type="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(url);
              setCopied('Link copied.');
            } catch {
              setCopied('Copying was refused by the browser: select the link and copy it.');
            }
          }}
        >
          Copy link
        </button>
      </span>
      <span role="status">{copied}</span>
    </div>
  );
}
