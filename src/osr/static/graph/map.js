// The dependency map: draws the nodes and edges embedded in the page with
// Cytoscape.js, and makes the picture usable from the keyboard. The table of
// edges beside it is the accessible equivalent and works without this script.

const PHASE_FILL = {
  discovery: "#e5e6e7",
  alpha: "#efdfed",
  private_beta: "#fcd6c3",
  public_beta: "#fff7bf",
  live: "#cce2d8",
  retired: "#f4cdc6",
  external: "#ffffff",
};
const ZOOM_STEP = 1.25;
const PAN_STEP = 60;

function elementsOf(data) {
  const nodes = data.nodes.map((n) => ({
    data: {
      id: n.id,
      label: n.name,
      phase: n.phase || "external",
      kind: n.kind,
      critical: n.critical,
      url: n.kind === "service" ? `/services/${encodeURIComponent(n.slug)}` : "",
    },
  }));
  const edges = data.edges.map((e) => ({
    data: { id: `dependency-${e.id}`, source: e.source, target: e.target, live: e.carries_live_data },
  }));
  return [...nodes, ...edges];
}

function styles() {
  const byPhase = Object.entries(PHASE_FILL).map(([phase, colour]) => ({
    selector: `node[phase = "${phase}"]`,
    style: { "background-color": colour },
  }));
  return [
    {
      selector: "node",
      style: {
        label: "data(label)",
        shape: "round-rectangle",
        width: (node) => Math.min(150, 24 + 7 * node.data("label").length),
        height: (node) => (node.data("label").length > 20 ? 44 : 28),
        "font-family": "Arial, sans-serif",
        "font-size": 13,
        "text-valign": "center",
        "text-wrap": "wrap",
        "text-max-width": "140px",
        color: "#0b0c0c",
        "border-width": 1,
        "border-color": "#505a5f",
      },
    },
    ...byPhase,
    { selector: 'node[kind = "external"]', style: { shape: "ellipse", "border-style": "dashed" } },
    { selector: "node[?critical]", style: { "border-width": 4, "border-color": "#d4351c" } },
    {
      selector: "edge",
      style: {
        width: 1.5,
        "line-color": "#505a5f",
        "target-arrow-color": "#505a5f",
        "target-arrow-shape": "triangle",
        "curve-style": "bezier",
      },
    },
    { selector: "edge[?live]", style: { width: 3, "line-color": "#d4351c", "target-arrow-color": "#d4351c" } },
    { selector: ".faded", style: { opacity: 0.2 } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffdd00", "overlay-opacity": 0 } },
  ];
}

function announce(text) {
  const status = document.querySelector("[data-map-status]");
  if (status) status.textContent = text;
}

function focusOn(cy, node) {
  cy.elements().unselect().removeClass("faded");
  const near = node.closedNeighborhood();
  cy.elements().difference(near).addClass("faded");
  node.select();
  cy.animate({ fit: { eles: near, padding: 40 } }, { duration: 200 });
  const needs = node.outgoers("node").map((n) => n.data("label"));
  const neededBy = node.incomers("node").map((n) => n.data("label"));
  announce(
    `${node.data("label")}: needs ${needs.length ? needs.join(", ") : "nothing recorded"}; ` +
      `needed by ${neededBy.length ? neededBy.join(", ") : "no service"}.`,
  );
}

function zoomBy(cy, factor) {
  const box = cy.container().getBoundingClientRect();
  cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: box.width / 2, y: box.height / 2 } });
}

function handleKeys(cy, event) {
  const actions = {
    "+": () => zoomBy(cy, ZOOM_STEP),
    "=": () => zoomBy(cy, ZOOM_STEP),
    "-": () => zoomBy(cy, 1 / ZOOM_STEP),
    0: () => {
      cy.elements().removeClass("faded").unselect();
      cy.fit(undefined, 20);
    },
    ArrowLeft: () => cy.panBy({ x: PAN_STEP, y: 0 }),
    ArrowRight: () => cy.panBy({ x: -PAN_STEP, y: 0 }),
    ArrowUp: () => cy.panBy({ x: 0, y: PAN_STEP }),
    ArrowDown: () => cy.panBy({ x: 0, y: -PAN_STEP }),
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
}

function start() {
  const container = document.getElementById("dependency-map");
  const source = document.getElementById("graph-data");
  if (!container || !source || typeof window.cytoscape !== "function") return;
  const data = JSON.parse(source.textContent);
  const cy = window.cytoscape({
    container,
    elements: elementsOf(data),
    style: styles(),
    layout: data.nodes.length > 40
      ? { name: "cose", animate: false, padding: 20 }
      : { name: "breadthfirst", directed: true, padding: 20, spacingFactor: 1.1 },
    minZoom: 0.1,
    maxZoom: 4,
  });

  const status = document.createElement("p");
  status.className = "govuk-body-s";
  status.setAttribute("role", "status");
  status.dataset.mapStatus = "";
  container.after(status);

  // The canvas takes the pointer events, so give the picture the keyboard focus here.
  cy.on("tapstart", () => container.focus({ preventScroll: true }));
  cy.on("tap", "node", (event) => focusOn(cy, event.target));
  cy.on("dbltap", "node", (event) => {
    const url = event.target.data("url");
    if (url) window.location.assign(url);
  });
  container.addEventListener("keydown", (event) => handleKeys(cy, event));

  for (const button of document.querySelectorAll("[data-map-zoom]")) {
    button.addEventListener("click", () => {
      const how = button.dataset.mapZoom;
      if (how === "fit") handleKeys(cy, { key: "0", preventDefault() {} });
      else zoomBy(cy, how === "in" ? ZOOM_STEP : 1 / ZOOM_STEP);
    });
  }
  for (const button of document.querySelectorAll("[data-node]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const node = cy.getElementById(button.dataset.node);
      if (node.nonempty()) {
        focusOn(cy, node);
        container.focus();
      }
    });
  }
  for (const controls of document.querySelectorAll(".osr-map-controls")) controls.hidden = false;
}

start();
