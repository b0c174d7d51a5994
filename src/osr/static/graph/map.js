// The dependency map: draws the nodes and edges embedded in the page with
// Cytoscape.js and the dagre layout, and makes the picture usable from the
// keyboard. The table of edges below it is the accessible equivalent and works
// without this script.

const PHASE_FILL = {
  discovery: "#e5e6e7",
  alpha: "#efdfed",
  private_beta: "#fcd6c3",
  public_beta: "#fff7bf",
  live: "#cce2d8",
  retired: "#f4cdc6",
  external: "#ffffff",
};
const FONT_FAMILY = "Arial, Helvetica, sans-serif";
const FONT_SIZE = 15;
const LINE_HEIGHT = Math.round(FONT_SIZE * 1.25);
// Long names wrap onto several lines rather than stretching a node across the map.
const TEXT_WIDTH = 150;
const PAD_X = 12;
const PAD_Y = 9;
// Below this zoom the 15 px labels drop under about 12 px on screen: the first
// view stays at least this large and the person pans (or presses Fit) for the rest.
const READABLE_ZOOM = 0.8;
const MOST_ZOOM_ON_FIT = 1.25;
const MOST_SPREAD = 1.6;
const PADDING = 16;
const ZOOM_STEP = 1.25;
const PAN_STEP = 60;

function measurer() {
  const context = document.createElement("canvas").getContext("2d");
  return (text, bold) => {
    context.font = `${bold ? "bold " : ""}${FONT_SIZE}px ${FONT_FAMILY}`;
    return context.measureText(text).width;
  };
}

// Break a name into lines no wider than TEXT_WIDTH, so each node's size is known
// before the layout places it (dagre needs the real sizes to keep nodes apart).
function wrapped(name, measure, bold) {
  const lines = [];
  let line = "";
  for (const word of name.split(/\s+/)) {
    const longer = line ? `${line} ${word}` : word;
    if (line && measure(longer, bold) > TEXT_WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = longer;
    }
  }
  if (line) lines.push(line);
  const width = Math.max(...lines.map((l) => measure(l, bold)));
  return {
    label: lines.join("\n"),
    width: Math.ceil(width) + 2 * PAD_X,
    height: lines.length * LINE_HEIGHT + 2 * PAD_Y,
  };
}

function elementsOf(data, focus) {
  const measure = measurer();
  const nodes = data.nodes.map((n) => {
    const isFocus = n.id === focus;
    const box = wrapped(n.name, measure, isFocus);
    return {
      data: {
        id: n.id,
        name: n.name,
        label: box.label,
        w: box.width,
        h: box.height,
        phase: n.phase || "external",
        kind: n.kind,
        critical: n.critical,
        url: n.kind === "service" ? `/services/${encodeURIComponent(n.slug)}` : "",
      },
      classes: isFocus ? "focus" : "",
    };
  });
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
        width: "data(w)",
        height: "data(h)",
        "font-family": FONT_FAMILY,
        "font-size": FONT_SIZE,
        "line-height": LINE_HEIGHT / FONT_SIZE,
        "text-valign": "center",
        "text-halign": "center",
        "text-wrap": "wrap",
        // The lines are already broken; this only stops Cytoscape breaking them again.
        "text-max-width": `${TEXT_WIDTH + 2 * PAD_X}px`,
        color: "#0b0c0c",
        "border-width": 1,
        "border-color": "#505a5f",
        "min-zoomed-font-size": 0,
      },
    },
    ...byPhase,
    { selector: 'node[kind = "external"]', style: { shape: "ellipse", "border-style": "dashed", "border-width": 2 } },
    { selector: "node[?critical]", style: { "border-width": 4, "border-color": "#d4351c" } },
    {
      selector: "node.focus",
      style: {
        "font-weight": "bold",
        "underlay-color": "#ffdd00",
        "underlay-opacity": 1,
        "underlay-padding": 7,
        "underlay-shape": "round-rectangle",
      },
    },
    {
      selector: "edge",
      style: {
        width: 1.5,
        "line-color": "#505a5f",
        "target-arrow-color": "#505a5f",
        "target-arrow-shape": "triangle",
        "arrow-scale": 1.2,
        "curve-style": "bezier",
      },
    },
    { selector: "edge[?live]", style: { width: 4, "line-color": "#d4351c", "target-arrow-color": "#d4351c" } },
    { selector: ".faded", style: { opacity: 0.2 } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#0b0c0c", "overlay-opacity": 0 } },
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
  const needs = node.outgoers("node").map((n) => n.data("name"));
  const neededBy = node.incomers("node").map((n) => n.data("name"));
  announce(
    `${node.data("name")}: needs ${needs.length ? needs.join(", ") : "nothing recorded"}; ` +
      `needed by ${neededBy.length ? neededBy.join(", ") : "no service"}.`,
  );
}

function zoomBy(cy, factor) {
  cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
}

// Fit the whole picture, but never blow a small neighbourhood up to a giant scale.
function fitAll(cy) {
  cy.elements().removeClass("faded").unselect();
  cy.fit(undefined, PADDING);
  if (cy.zoom() > MOST_ZOOM_ON_FIT) {
    cy.zoom(MOST_ZOOM_ON_FIT);
    cy.center();
  }
}

// Dagre packs the ranks close together; where the map is wider than that, spread
// them across it, so the many lines that meet at a shared system fan out.
function spreadAcross(cy, width) {
  const box = cy.nodes().boundingBox();
  const factor = Math.min(MOST_SPREAD, (width - 2 * PADDING) / box.w);
  if (factor <= 1) return;
  cy.nodes().positions((node) => ({ x: box.x1 + (node.position("x") - box.x1) * factor, y: node.position("y") }));
}

// Make the map as tall as the picture needs at a readable zoom (within limits, so
// that on a phone it never fills the screen and traps the finger that scrolls).
function firstView(cy, container) {
  const box = cy.elements().boundingBox();
  const width = container.clientWidth;
  const zoom = Math.min(1, Math.max(READABLE_ZOOM, (width - 2 * PADDING) / box.w));
  const narrow = width < 640;
  const tallest = narrow ? Math.round(window.innerHeight * 0.7) : 1800;
  const height = Math.min(tallest, Math.max(320, Math.ceil(box.h * zoom + 2 * PADDING)));
  container.style.height = `${height}px`;
  cy.resize();
  if (box.w * zoom + 2 * PADDING <= width && box.h * zoom + 2 * PADDING <= height) {
    fitAll(cy);
    if (cy.zoom() > 1) {
      cy.zoom(1);
      cy.center();
    }
    return;
  }
  cy.zoom(zoom);
  const focus = cy.nodes(".focus");
  if (focus.nonempty()) {
    cy.center(focus);
  } else {
    cy.pan({ x: PADDING - box.x1 * zoom, y: PADDING - box.y1 * zoom });
  }
}

function handleKeys(cy, event) {
  const actions = {
    "+": () => zoomBy(cy, ZOOM_STEP),
    "=": () => zoomBy(cy, ZOOM_STEP),
    "-": () => zoomBy(cy, 1 / ZOOM_STEP),
    0: () => fitAll(cy),
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
    elements: elementsOf(data, container.dataset.focus),
    style: styles(),
    // Left to right, what a service needs to its right: the estate's few levels of
    // dependency run across the page and its many services down it, so the
    // picture grows downwards, the way a page scrolls, instead of into a thin strip.
    layout: { name: "dagre", rankDir: "LR", nodeSep: 16, rankSep: 70, edgeSep: 8, fit: false },
    minZoom: 0.1,
    maxZoom: 4,
    // The mouse wheel scrolls the page until the map is chosen (clicked or tabbed to).
    userZoomingEnabled: false,
  });
  // The browser tests (and anyone at the console) can ask what was drawn.
  window.osrDependencyMap = cy;
  spreadAcross(cy, container.clientWidth);
  firstView(cy, container);

  const status = document.createElement("p");
  status.className = "govuk-body-s";
  status.setAttribute("role", "status");
  status.dataset.mapStatus = "";
  container.after(status);

  // The canvas takes the pointer events, so give the picture the keyboard focus here.
  cy.on("tapstart", () => container.focus({ preventScroll: true }));
  container.addEventListener("focus", () => cy.userZoomingEnabled(true));
  container.addEventListener("blur", () => cy.userZoomingEnabled(false));
  cy.on("tap", "node", (event) => focusOn(cy, event.target));
  cy.on("dbltap", "node", (event) => {
    const url = event.target.data("url");
    if (url) window.location.assign(url);
  });
  container.addEventListener("keydown", (event) => handleKeys(cy, event));

  for (const button of document.querySelectorAll("[data-map-zoom]")) {
    button.addEventListener("click", () => {
      const how = button.dataset.mapZoom;
      if (how === "fit") fitAll(cy);
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
