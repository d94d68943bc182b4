// Starts the client with options from the URL. A file rather than an inline <script>, so the
// server's Content-Security-Policy can refuse every inline script (no 'unsafe-inline').
PoseMeet.boot();
