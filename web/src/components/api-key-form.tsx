import { useState } from 'react';
import { storeApiKey, storedApiKey } from '../lib/api-client.js';
import type { Session } from '../lib/api-types.js';

/** Lets a viewer or admin enter an API key (kept in this browser's localStorage only). */
export function ApiKeyForm({ session, onChange }: { session: Session | undefined; onChange: () => void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(storedApiKey());
  const role = session?.role ?? 'anonymous';
  if (!open) {
    return (
      <button type="button" className="ghost" onClick={() => setOpen(true)} data-testid="role">
        {role === 'anonymous' ? 'Sign in with key' : `${role} ✓`}
      </button>
    );
  }
  return (
    <form
      className="keyform"
      onSubmit={(e) => {
        e.preventDefault();
        storeApiKey(value.trim());
        setOpen(false);
        onChange();
      }}
    >
      <label>
        <span className="sr-only">API key</span>
        <input
          type="password"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="API key"
          aria-label="API key"
          autoFocus
        />
      </label>
      <button type="submit">Save</button>
      <button type="button" className="ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
