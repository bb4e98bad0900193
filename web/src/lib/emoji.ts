/**
 * Whether this browser draws colour emoji. Where no emoji font is installed (Debian's Chromium without
 * fonts-noto-color-emoji, many Linux desktops) "✅" renders as an empty box; the page then shows a text glyph instead
 * (see `.emoji` in styles.css). A colour emoji leaves coloured pixels on a canvas; a missing glyph only grey ones.
 */
export function colorEmojiRenders(symbol = '✅'): boolean {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 24;
  const context = canvas.getContext?.('2d', { willReadFrequently: true });
  if (!context) return false;
  context.textBaseline = 'top';
  context.font = '20px sans-serif';
  context.fillStyle = '#000';
  context.fillText(symbol, 0, 0);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
    if (a > 0 && (Math.abs(r - g) > 24 || Math.abs(g - b) > 24)) return true;
  }
  return false;
}
