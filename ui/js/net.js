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
