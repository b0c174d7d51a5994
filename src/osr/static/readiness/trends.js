// Draw each readiness trend from the table beside it, so the figures live in one place.
// Without JavaScript (or Chart.js) the tables stand on their own.
const COLOURS = ["#1d70b8", "#505a5f", "#d4351c", "#00703c"];
const DASHES = [[], [6, 4], [2, 3], [10, 3]];

function figures(table) {
  const headers = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  const rows = [...table.querySelectorAll("tbody tr")];
  const labels = rows.map((row) => row.querySelector("th").textContent.trim());
  const series = headers.slice(1).map((name, index) => ({
    name,
    values: rows.map((row) => {
      const cell = row.querySelectorAll("td")[index];
      const value = cell ? parseFloat(cell.dataset.value) : NaN;
      return Number.isNaN(value) ? null : value;
    }),
  }));
  return { labels, series };
}

function draw(holder) {
  const figure = holder.closest("figure");
  const table = figure.querySelector("table");
  const { labels, series } = figures(table);
  const kind = holder.dataset.chart;
  const drawn = series.slice(0, parseInt(holder.dataset.drawn, 10) || 1);
  const stacked = kind === "stacked";
  holder.hidden = false;
  new window.Chart(holder.querySelector("canvas"), {
    type: kind === "line" ? "line" : "bar",
    data: {
      labels,
      datasets: drawn.map((s, index) => ({
        label: s.name,
        data: s.values,
        backgroundColor: COLOURS[index],
        borderColor: COLOURS[index],
        borderDash: DASHES[index],
        borderWidth: kind === "line" ? 3 : 0,
        pointRadius: kind === "line" ? 2 : 0,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { stacked, ticks: { maxRotation: 0, autoSkip: true, color: "#0b0c0c" } },
        y: { stacked, beginAtZero: true, ticks: { precision: 0, color: "#0b0c0c" } },
      },
      plugins: {
        legend: {
          labels: { color: "#0b0c0c", boxWidth: 24, boxHeight: kind === "line" ? 3 : 12 },
        },
      },
    },
  });
}

if (window.Chart) {
  document.querySelectorAll("[data-chart]").forEach(draw);
}
