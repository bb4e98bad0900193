import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/styles.css';
import { colorEmojiRenders } from './lib/emoji';

// Emoji get a text fallback where no emoji font would draw them (styles.css, `.no-color-emoji .emoji`).
try {
  if (!colorEmojiRenders()) document.documentElement.classList.add('no-color-emoji');
} catch {
  document.documentElement.classList.add('no-color-emoji');
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
