// The timer page: the clock ticks once a second, and the project picker offers the projects of
// the client typed. The page works without this module; it only makes it live.

const pad = (n) => String(n).padStart(2, "0");

export function format(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

function tick(clock, warning) {
  const worked = Number(clock.dataset.seconds);
  const elapsed = Number(clock.dataset.elapsed);
  const warnAfter = Number(clock.dataset.warnAfter);
  const playing = clock.dataset.playing === "true";
  const loaded = performance.now();
  const update = () => {
    const since = (performance.now() - loaded) / 1000;
    clock.textContent = format(playing ? worked + since : worked);
    if (warning && elapsed + since >= warnAfter) warning.hidden = false;
  };
  update();
  setInterval(update, 1000);
}

const clock = document.getElementById("clock");
if (clock) tick(clock, document.getElementById("overdue"));
