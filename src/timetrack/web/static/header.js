// The header's timer: its clock ticks once a second (the page is complete without this). Not an
// import of timer.js: a module's URL carries its own content hash, and timer.js acts on load.

const pad = (n) => String(n).padStart(2, "0");
const format = (seconds) => {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
};

const clock = document.getElementById("header-clock");
if (clock && clock.dataset.playing === "true") {
  const worked = Number(clock.dataset.seconds);
  const loaded = performance.now();
  setInterval(() => {
    clock.textContent = format(worked + (performance.now() - loaded) / 1000);
  }, 1000);
}
