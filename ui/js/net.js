// Where an address points, for deciding what may be asked without the user's explicit action.

/** Whether `url` points at this computer (`localhost`, 127.x, ::1), even without a scheme. */
export function isLoopback(url) {
  let host;
  try {
    host = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Whether `url` points at this computer or the local network (private, link-local and unique-local
 * addresses, single-label names, `.local`, `.lan`, `.home.arpa`, `.internal`): plain http:// is
 * fine there. The same rule as `settings::is_local_address` in Rust, which is the one enforced.
 */
export function isLocalNetwork(url) {
  let host;
  try {
    host = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
  if (isLoopback(url)) return true;
  // An IPv4 address written as IPv6 (`[::ffff:192.168.1.2]`, which URL turns into hex groups).
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(host);
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
    host = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  if (host === '[::]') return true;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) {
    const [a, b] = [+v4[1], +v4[2]];
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (host.startsWith('[')) return /^\[(f[cd]|fe[89ab])/i.test(host);
  return !host.includes('.') || ['.localhost', '.local', '.lan', '.home.arpa', '.internal'].some((s) => host.endsWith(s));
}
