//! Queueing formulas for one interval of calls: Erlang C (M/M/N, callers wait for ever) and
//! Erlang A (M/M/N+M, callers abandon after an exponential patience).
//!
//! Erlang C is computed through the Erlang B recursion `B(k) = A·B(k−1) / (k + A·B(k−1))`,
//! then `C = N·B / (N − A·(1 − B))`, which stays stable for hundreds of agents:
//! - service level `SL(t) = 1 − C·exp(−(N − A)·t / AHT)`;
//! - average speed of answer `ASA = C·AHT / (N − A)`.
//!
//! Erlang A is computed from the birth-death chain of the number in system (arrival rate λ,
//! death rate `min(n, N)·μ + max(n − N, 0)·θ`), truncated where the tail is negligible. An
//! arrival that finds `j` callers waiting ahead passes phases `j, …, 0`; in phase `i` the queue
//! moves at `r_i = N·μ + i·θ` and the caller abandons at θ, so `G_j(t)`, the probability of
//! being answered within `t`, solves `G_j' = r_j·G_{j−1} − (r_j + θ)·G_j` with `G_{−1} = 1`
//! (integrated with RK4), and the probability of being answered at all is `Π r_i / (r_i + θ)`.

/// Traffic of one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    /// Calls offered in the interval.
    pub calls: f64,
    /// Interval length in seconds.
    pub interval_seconds: f64,
    /// Average handle time in seconds.
    pub aht_seconds: f64,
    /// Mean patience in seconds (Erlang A); `None` = callers never abandon (Erlang C).
    pub patience_seconds: Option<f64>,
}

impl Traffic {
    /// Offered load in Erlangs: calls × AHT ÷ interval.
    pub fn load(&self) -> f64 {
        if self.interval_seconds <= 0.0 {
            return 0.0;
        }
        self.calls * self.aht_seconds / self.interval_seconds
    }
}

/// Expected performance of `agents` on an interval's traffic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Performance {
    /// Agents.
    pub agents: u32,
    /// Offered load in Erlangs.
    pub load: f64,
    /// Probability that a caller waits at all.
    pub p_wait: f64,
    /// Share of offered calls answered within the target time.
    pub service_level: f64,
    /// Share of offered calls answered at all (接通率); 1 under Erlang C when stable.
    pub answer_rate: f64,
    /// Average speed of answer of answered calls, seconds (Erlang C only; `None` for A).
    pub asa_seconds: Option<f64>,
    /// Agent occupancy: answered load ÷ agents.
    pub occupancy: f64,
}

/// Erlang B blocking probability for load `a` on `n` servers.
pub fn erlang_b(n: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=n {
        b = a * b / (k as f64 + a * b);
    }
    b
}

/// Erlang C: probability of waiting for load `a` on `n` agents (1 when `n <= a`).
pub fn erlang_c(n: u32, a: f64) -> f64 {
    if a <= 0.0 {
        return 0.0;
    }
    if (n as f64) <= a {
        return 1.0;
    }
    let b = erlang_b(n, a);
    n as f64 * b / (n as f64 - a * (1.0 - b))
}

/// Expected performance of `agents` on `t` with answer target `answer_seconds`.
pub fn performance(t: &Traffic, agents: u32, answer_seconds: f64) -> Performance {
    match t.patience_seconds {
        Some(p) if p > 0.0 && p.is_finite() => erlang_a(t, agents, answer_seconds, p),
        _ => erlang_c_performance(t, agents, answer_seconds),
    }
}

fn erlang_c_performance(t: &Traffic, n: u32, target: f64) -> Performance {
    let a = t.load();
    if a <= 0.0 {
        return Performance {
            agents: n,
            load: 0.0,
            p_wait: 0.0,
            service_level: 1.0,
            answer_rate: 1.0,
            asa_seconds: Some(0.0),
            occupancy: 0.0,
        };
    }
    if (n as f64) <= a {
        // Unstable: the queue grows without bound; nobody is answered within any target.
        return Performance {
            agents: n,
            load: a,
            p_wait: 1.0,
            service_level: 0.0,
            answer_rate: if n == 0 { 0.0 } else { n as f64 / a },
            asa_seconds: None,
            occupancy: 1.0,
        };
    }
    let c = erlang_c(n, a);
    let gap = n as f64 - a;
    Performance {
        agents: n,
        load: a,
        p_wait: c,
        service_level: 1.0 - c * (-gap * target / t.aht_seconds).exp(),
        answer_rate: 1.0,
        asa_seconds: Some(c * t.aht_seconds / gap),
        occupancy: a / n as f64,
    }
}

fn erlang_a(t: &Traffic, n: u32, target: f64, patience: f64) -> Performance {
    let a = t.load();
    if a <= 0.0 || t.aht_seconds <= 0.0 {
        return erlang_c_performance(t, n, target);
    }
    let lambda = t.calls / t.interval_seconds;
    let mu = 1.0 / t.aht_seconds;
    let theta = 1.0 / patience;
    // Stationary distribution by the balance equations pi(n+1) = pi(n) * lambda / death(n+1),
    // in logarithms; truncated when the terms have fallen below 1e-16 of the largest.
    let death =
        |k: usize| (k.min(n as usize) as f64) * mu + (k.saturating_sub(n as usize) as f64) * theta;
    let mut logs = vec![0.0f64];
    let mut best = 0.0f64;
    let mut k = 0usize;
    loop {
        k += 1;
        let next = logs[k - 1] + (lambda / death(k)).ln();
        logs.push(next);
        best = best.max(next);
        if k > n as usize + 10 && next < best - 37.0 {
            break;
        }
        if k > 100_000 {
            break;
        }
    }
    let sum: f64 = logs.iter().map(|l| (l - best).exp()).sum();
    let pi: Vec<f64> = logs.iter().map(|l| (l - best).exp() / sum).collect();
    let waiting = pi.len().saturating_sub(n as usize);
    // G_j(target) for j = 0..waiting-1 by RK4 on the chain of phases.
    let rates: Vec<f64> = (0..waiting)
        .map(|i| n as f64 * mu + i as f64 * theta)
        .collect();
    let g_target = phases_within(&rates, theta, target);
    let mut answered_prob = Vec::with_capacity(waiting);
    let mut prod = 1.0;
    for r in &rates {
        prod *= r / (r + theta);
        answered_prob.push(prod);
    }
    let immediate: f64 = pi.iter().take(n as usize).sum();
    let p_wait = 1.0 - immediate;
    let mut sl = immediate;
    let mut answered = immediate;
    for j in 0..waiting {
        let w = pi[n as usize + j];
        sl += w * g_target[j];
        answered += w * answered_prob[j];
    }
    Performance {
        agents: n,
        load: a,
        p_wait,
        service_level: sl.clamp(0.0, 1.0),
        answer_rate: answered.clamp(0.0, 1.0),
        asa_seconds: None,
        occupancy: if n == 0 {
            0.0
        } else {
            (a * answered / n as f64).min(1.0)
        },
    }
}

/// `G_j(t)` for every phase `j`: the probability that a caller with `j` ahead is answered
/// within `t` (RK4 with steps small against the fastest rate).
fn phases_within(rates: &[f64], theta: f64, t: f64) -> Vec<f64> {
    let m = rates.len();
    if m == 0 || t <= 0.0 {
        return vec![0.0; m];
    }
    let fastest = rates.iter().fold(0.0f64, |x, r| x.max(r + theta));
    let steps = ((t * fastest * 20.0).ceil() as usize).clamp(200, 200_000);
    let h = t / steps as f64;
    let deriv = |g: &[f64], out: &mut [f64]| {
        for j in 0..m {
            let prev = if j == 0 { 1.0 } else { g[j - 1] };
            out[j] = rates[j] * prev - (rates[j] + theta) * g[j];
        }
    };
    let mut g = vec![0.0; m];
    let (mut k1, mut k2, mut k3, mut k4) = (vec![0.0; m], vec![0.0; m], vec![0.0; m], vec![0.0; m]);
    let mut tmp = vec![0.0; m];
    for _ in 0..steps {
        deriv(&g, &mut k1);
        for j in 0..m {
            tmp[j] = g[j] + 0.5 * h * k1[j];
        }
        deriv(&tmp, &mut k2);
        for j in 0..m {
            tmp[j] = g[j] + 0.5 * h * k2[j];
        }
        deriv(&tmp, &mut k3);
        for j in 0..m {
            tmp[j] = g[j] + h * k3[j];
        }
        deriv(&tmp, &mut k4);
        for j in 0..m {
            g[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
        }
    }
    g
}

/// A service target for one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Share of calls to answer within `answer_seconds` (e.g. 0.8).
    pub service_level: f64,
    /// Answer time, seconds (e.g. 20).
    pub answer_seconds: f64,
    /// Highest acceptable occupancy (e.g. 0.85).
    pub occupancy_cap: f64,
}

/// The smallest number of agents on the phones meeting the service level and the occupancy
/// cap (0 when no call is expected).
pub fn agents_needed(t: &Traffic, target: &Target) -> u32 {
    if t.load() <= 0.0 {
        return 0;
    }
    let mut n = 1u32;
    loop {
        let p = performance(t, n, target.answer_seconds);
        if p.service_level >= target.service_level && p.occupancy <= target.occupancy_cap {
            return n;
        }
        n += 1;
        if n > 10_000 {
            return n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traffic(calls: f64, aht: f64, patience: Option<f64>) -> Traffic {
        Traffic {
            calls,
            interval_seconds: 1800.0,
            aht_seconds: aht,
            patience_seconds: patience,
        }
    }

    /// The golden case, checked by hand with the textbook formulas:
    /// 100 calls in 30 min at AHT 180 s = 10 Erlangs; with 14 agents
    /// P(wait) = 0.1741, SL(20 s) = 1 − 0.1741·e^(−4·20/180) = 0.8884, ASA = 0.1741·180/4 = 7.83.
    #[test]
    fn erlang_c_golden_case() {
        let t = traffic(100.0, 180.0, None);
        assert!((t.load() - 10.0).abs() < 1e-12);
        let p = performance(&t, 14, 20.0);
        assert!((p.p_wait - 0.1741).abs() < 5e-5, "{p:?}");
        assert!((p.service_level - 0.8884).abs() < 5e-5, "{p:?}");
        assert!((p.asa_seconds.unwrap() - 7.84).abs() < 0.01, "{p:?}");
        assert!((p.occupancy - 10.0 / 14.0).abs() < 1e-12);
        // 13 agents give C = 0.2853, SL = 1 − 0.2853·e^(−3·20/180) = 0.7956 < 0.80, so 14 are
        // needed for 80/20 (occupancy 10/14 = 0.71 within the 0.85 cap).
        let target = Target {
            service_level: 0.8,
            answer_seconds: 20.0,
            occupancy_cap: 0.85,
        };
        assert!((performance(&t, 13, 20.0).service_level - 0.7956).abs() < 5e-5);
        assert_eq!(agents_needed(&t, &target), 14);
    }

    /// Erlang B by hand: load 2 on 2 servers = (2²/2) / (1 + 2 + 2) = 0.4.
    #[test]
    fn erlang_b_by_hand() {
        assert!((erlang_b(2, 2.0) - 0.4).abs() < 1e-12);
        assert!((erlang_b(0, 3.0) - 1.0).abs() < 1e-12);
    }

    /// With patience far longer than any wait, Erlang A is Erlang C; with patience it answers
    /// fewer calls than offered, and the answered share falls as patience shortens.
    #[test]
    fn erlang_a_meets_erlang_c_at_infinite_patience() {
        let c = performance(&traffic(100.0, 180.0, None), 14, 20.0);
        let a = performance(&traffic(100.0, 180.0, Some(1e9)), 14, 20.0);
        assert!((a.p_wait - c.p_wait).abs() < 1e-4, "{a:?} {c:?}");
        assert!(
            (a.service_level - c.service_level).abs() < 1e-4,
            "{a:?} {c:?}"
        );
        assert!(a.answer_rate > 0.9999);
        let short = performance(&traffic(100.0, 180.0, Some(60.0)), 10, 20.0);
        let long = performance(&traffic(100.0, 180.0, Some(600.0)), 10, 20.0);
        assert!(short.answer_rate < long.answer_rate);
        assert!(long.answer_rate < 1.0);
        // Erlang A stays defined where Erlang C is unstable (10 agents, 10 Erlangs).
        assert!(short.service_level > 0.0 && short.service_level < 1.0);
    }

    /// M/M/1+M with one phase has a closed form: an arrival finding the agent busy and nobody
    /// waiting (j = 0) is answered within t with probability μ/(μ+θ)·(1 − e^(−(μ+θ)t)).
    #[test]
    fn one_phase_closed_form() {
        let (mu, theta, t) = (1.0 / 180.0, 1.0 / 60.0, 20.0);
        let g = phases_within(&[mu], theta, t);
        let exact = mu / (mu + theta) * (1.0 - (-(mu + theta) * t).exp());
        assert!((g[0] - exact).abs() < 1e-9, "{} vs {exact}", g[0]);
    }
}
