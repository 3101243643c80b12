// Gravl load test (k6): ORIGIN.md section 5's scenarios plus an authenticated lifter flow.
//
//   GRAVL_API_URL=http://127.0.0.1:8000 GRAVL_METRICS_URL=http://127.0.0.1:3001 \
//   GRAVL_LOAD_USERS=lifter1@example.com,lifter2@example.com GRAVL_LOAD_PASSWORD=... \
//   k6 run deploy/load/load-test.js
//
// GRAVL_LOAD_USERS names one user per VU (k6 numbers VUs across both scenarios, so the lifter
// VU with id n logs in as user n): swaps are limited to one active swap per user and day, and
// two VUs sharing a user would fail each other.
// A failed threshold makes k6 exit with code 99.
import http from "k6/http";
import exec from "k6/execution";
import { check, fail, sleep } from "k6";

const API = (__ENV.GRAVL_API_URL || "http://127.0.0.1:8000").replace(/\/$/, "");
const METRICS = (__ENV.GRAVL_METRICS_URL || "http://127.0.0.1:3001").replace(/\/$/, "");
const DURATION = __ENV.GRAVL_LOAD_DURATION || "30s";
const VUS = parseInt(__ENV.GRAVL_LOAD_VUS || "10", 10);
const USERS = (__ENV.GRAVL_LOAD_USERS || "").split(",").filter((e) => e.length > 0);
const PASSWORD = __ENV.GRAVL_LOAD_PASSWORD || "";
// A person browsing or logging sets pauses between requests; ORIGIN.md's 10 VUs modelled people.
const THINK_S = parseFloat(__ENV.GRAVL_LOAD_THINK_S || "0.2");

// Half the VUs browse (the original three scenarios), half are lifters.
const PUBLIC_VUS = Math.max(1, Math.floor(VUS / 2));
const LIFTER_VUS = Math.max(1, VUS - PUBLIC_VUS);

export const options = {
  scenarios: {
    public: { executor: "constant-vus", exec: "browse", vus: PUBLIC_VUS, duration: DURATION },
    lifter: { executor: "constant-vus", exec: "lift", vus: LIFTER_VUS, duration: DURATION },
  },
  // ORIGIN.md section 5's pass criteria.
  thresholds: {
    http_req_duration: ["p(95)<200", "p(99)<500"],
    http_req_failed: ["rate<0.001"],
    checks: ["rate>0.999"],
  },
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"],
};

export function setup() {
  if (USERS.length < PUBLIC_VUS + LIFTER_VUS) {
    fail(`GRAVL_LOAD_USERS names ${USERS.length} users; give one per VU (${PUBLIC_VUS + LIFTER_VUS})`);
  }
  const exercises = http.get(`${API}/api/exercises?limit=50`, { tags: { name: "exercises" } });
  if (exercises.status !== 200) fail(`cannot list exercises: ${exercises.status}`);
  const ids = exercises.json("items").map((e) => e.id);
  return { exerciseIds: ids };
}

export function browse() {
  const health = http.get(`${API}/api/health`, { tags: { name: "health" } });
  check(health, { "health 200": (r) => r.status === 200 && r.json("status") === "ok" });
  const exercises = http.get(`${API}/api/exercises?muscle=chest`, { tags: { name: "exercises" } });
  check(exercises, { "exercises 200": (r) => r.status === 200 && r.json("total") > 0 });
  const metrics = http.get(`${METRICS}/metrics`, { tags: { name: "metrics" } });
  check(metrics, {
    "metrics 200": (r) => r.status === 200 && r.body.includes("http_requests_total"),
  });
  sleep(THINK_S);
}

// One access token per VU, kept across iterations (module scope is per VU in k6).
let token = null;

function login() {
  const email = USERS[exec.vu.idInTest - 1];
  const response = http.post(`${API}/api/auth/login`, JSON.stringify({ email, password: PASSWORD }), {
    headers: { "Content-Type": "application/json" },
    tags: { name: "login" },
  });
  if (!check(response, { "login 200": (r) => r.status === 200 })) {
    fail(`login as ${email} failed: ${response.status} ${response.body}`);
  }
  token = response.json("access_token");
}

function auth(name, extra) {
  return {
    headers: Object.assign(
      { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      extra || {},
    ),
    tags: { name },
  };
}

export function lift(data) {
  if (token === null) login();
  const exerciseId = data.exerciseIds[exec.vu.iterationInScenario % data.exerciseIds.length];
  const log = http.post(
    `${API}/api/logs`,
    JSON.stringify({
      exercise_id: exerciseId,
      sets: [
        { reps: 8, weight_kg: 60, rpe: 7.5, set_type: "normal" },
        { reps: 8, weight_kg: 60, rpe: 8.5, set_type: "normal" },
      ],
    }),
    auth("log"),
  );
  check(log, { "log 201": (r) => r.status === 201 && r.json("recovery").length > 0 });

  const recovery = http.get(`${API}/api/recovery/muscle-groups`, auth("recovery"));
  check(recovery, { "recovery 17 groups": (r) => r.status === 200 && r.json("muscle_groups").length === 17 });

  const smart = http.get(`${API}/api/recommendations/smart-workout`, auth("recommendations"));
  check(smart, { "recommendations 200": (r) => r.status === 200 });

  swapAndRevert();
  sleep(THINK_S);
}

function swapAndRevert() {
  // Tomorrow: a day already trained cannot be swapped, and the lifter has just logged today.
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
  const today = http.get(`${API}/api/schedule/today?date=${tomorrow}`, auth("schedule"));
  if (!check(today, { "schedule 200": (r) => r.status === 200 })) return;
  let day = today.json();
  if (day.source === "swap") {
    // Left over from an iteration cut short: only one active swap per day is allowed.
    http.post(`${API}/api/workouts/swaps/${day.swap_id}/revert`, null, auth("revert"));
    day = http.get(`${API}/api/schedule/today?date=${tomorrow}`, auth("schedule")).json();
  }
  const available = http.get(`${API}/api/workouts/available?date=${tomorrow}`, auth("available"));
  check(available, { "available 200": (r) => r.status === 200 && r.json().length > 0 });
  if (day.workout === null || available.status !== 200) return; // a rest day has nothing to swap
  const replacement = available.json().find((a) => !a.scheduled);
  const swap = http.post(
    `${API}/api/workouts/${day.workout.id}/swap`,
    JSON.stringify({
      replacement_workout_id: replacement.workout.id,
      date: tomorrow,
      reason: "load test",
    }),
    auth("swap"),
  );
  if (!check(swap, { "swap 201": (r) => r.status === 201 })) return;
  const revert = http.post(`${API}/api/workouts/swaps/${swap.json("id")}/revert`, null, auth("revert"));
  check(revert, { "revert 200": (r) => r.status === 200 && r.json("reverted_at") !== null });
}
