//! The training map's arithmetic (plain, tested natively): the view from map coordinates to
//! canvas pixels (pan and zoom), the colour ramp of the chosen property, and finding the point
//! under the pointer. `components::training_map` draws it.

/// Colour bins the points are drawn in (one fill style per bin).
pub const COLOUR_BINS: usize = 16;
/// Colour of a point without a value for the chosen property.
pub const MISSING_COLOUR: &str = "#c8c8c8";

/// Map coordinates → canvas pixels: `centre` (map units) sits at the canvas centre, `scale`
/// pixels per map unit; y grows upwards on the map and downwards on the canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapView {
    pub centre: [f64; 2],
    pub scale: f64,
    /// Canvas size, px.
    pub width: f64,
    pub height: f64,
}

impl MapView {
    /// The view that shows the central 98 % of `points` along each axis (outliers may fall
    /// outside) with a margin.
    pub fn fit(points: &[[f32; 2]], width: f64, height: f64) -> MapView {
        let axis = |a: usize| {
            let mut v: Vec<f64> = points.iter().map(|p| f64::from(p[a])).filter(|x| x.is_finite()).collect();
            v.sort_by(f64::total_cmp);
            match v.len() {
                0 => (-1.0, 1.0),
                n => (v[n / 100], v[(n - 1) - n / 100]),
            }
        };
        let ((x0, x1), (y0, y1)) = (axis(0), axis(1));
        let span_x = (x1 - x0).max(1e-6);
        let span_y = (y1 - y0).max(1e-6);
        let scale = 0.9 * (width / span_x).min(height / span_y);
        MapView { centre: [(x0 + x1) / 2.0, (y0 + y1) / 2.0], scale, width, height }
    }

    /// Canvas pixel of map point `p`.
    pub fn to_canvas(&self, p: [f32; 2]) -> [f64; 2] {
        [
            self.width / 2.0 + (f64::from(p[0]) - self.centre[0]) * self.scale,
            self.height / 2.0 - (f64::from(p[1]) - self.centre[1]) * self.scale,
        ]
    }

    /// Map point under canvas pixel `c`.
    pub fn to_map(&self, c: [f64; 2]) -> [f64; 2] {
        [
            self.centre[0] + (c[0] - self.width / 2.0) / self.scale,
            self.centre[1] - (c[1] - self.height / 2.0) / self.scale,
        ]
    }

    /// Moved by a drag of `dx`, `dy` pixels (the map follows the pointer).
    pub fn panned(self, dx: f64, dy: f64) -> MapView {
        MapView { centre: [self.centre[0] - dx / self.scale, self.centre[1] + dy / self.scale], ..self }
    }

    /// Zoomed by `factor` (> 1: closer) keeping the map point under canvas pixel `at` fixed;
    /// the scale stays within 1/100 and 10⁴ of `fitted`'s.
    pub fn zoomed(self, factor: f64, at: [f64; 2], fitted: &MapView) -> MapView {
        let scale = (self.scale * factor).clamp(fitted.scale / 100.0, fitted.scale * 1e4);
        let anchor = self.to_map(at);
        let view = MapView { scale, ..self };
        let moved = view.to_map(at);
        MapView { centre: [view.centre[0] + anchor[0] - moved[0], view.centre[1] + anchor[1] - moved[1]], ..view }
    }
}

/// The range the colour ramp spans: the 2nd to 98th percentile of the present values
/// (`None` without any).
pub fn value_range(values: &[Option<f32>]) -> Option<(f32, f32)> {
    let mut v: Vec<f32> = values.iter().flatten().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    let n = v.len();
    Some((v[n * 2 / 100], v[(n - 1) - n * 2 / 100]))
}

/// The colour bin of `value` within `range` (0..COLOUR_BINS; `None` without a value).
pub fn colour_bin(value: Option<f32>, range: (f32, f32)) -> Option<usize> {
    let value = value.filter(|v| v.is_finite())?;
    let t = ((value - range.0) / (range.1 - range.0).max(1e-12)).clamp(0.0, 1.0);
    Some(((t * COLOUR_BINS as f32) as usize).min(COLOUR_BINS - 1))
}

/// The CSS colour of bin `bin`: a viridis-like ramp, dark blue (low) to yellow (high).
pub fn bin_colour(bin: usize) -> String {
    const STOPS: [[f64; 3]; 5] =
        [[68.0, 1.0, 84.0], [59.0, 82.0, 139.0], [33.0, 145.0, 140.0], [94.0, 201.0, 98.0], [253.0, 231.0, 37.0]];
    let t = (bin as f64 + 0.5) / COLOUR_BINS as f64 * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let c: Vec<u8> = (0..3).map(|k| (STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f).round() as u8).collect();
    format!("rgb({},{},{})", c[0], c[1], c[2])
}

/// The point drawn nearest canvas pixel `at`, if within `radius` pixels.
pub fn point_under(points: &[[f32; 2]], view: &MapView, at: [f64; 2], radius: f64) -> Option<usize> {
    points
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let c = view.to_canvas(p);
            (i, (c[0] - at[0]).powi(2) + (c[1] - at[1]).powi(2))
        })
        .filter(|&(_, d)| d <= radius * radius)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Vec<[f32; 2]> {
        (0..100).map(|i| [(i % 10) as f32, (i / 10) as f32]).collect()
    }

    #[test]
    fn the_fitted_view_shows_every_point_and_round_trips() {
        let view = MapView::fit(&square(), 400.0, 300.0);
        for p in square() {
            let c = view.to_canvas(p);
            assert!((0.0..=400.0).contains(&c[0]) && (0.0..=300.0).contains(&c[1]), "{p:?} → {c:?}");
            let back = view.to_map(c);
            assert!((back[0] - f64::from(p[0])).abs() < 1e-9 && (back[1] - f64::from(p[1])).abs() < 1e-9);
        }
        // Up on the map is up on the canvas.
        assert!(view.to_canvas([0.0, 9.0])[1] < view.to_canvas([0.0, 0.0])[1]);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_and_pan_follows_it() {
        let fitted = MapView::fit(&square(), 400.0, 300.0);
        let at = [123.0, 45.0];
        let zoomed = fitted.zoomed(3.0, at, &fitted);
        assert!((zoomed.scale - 3.0 * fitted.scale).abs() < 1e-9);
        let (a, b) = (fitted.to_map(at), zoomed.to_map(at));
        assert!((a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9);
        let p = [3.0, 4.0];
        let (before, after) = (fitted.to_canvas(p), fitted.panned(10.0, -5.0).to_canvas(p));
        assert!((after[0] - before[0] - 10.0).abs() < 1e-9 && (after[1] - before[1] + 5.0).abs() < 1e-9);
        assert_eq!(fitted.zoomed(1e9, at, &fitted).scale, fitted.scale * 1e4);
    }

    #[test]
    fn colours_span_the_range_and_missing_values_have_none() {
        let values: Vec<Option<f32>> = (0..100).map(|i| Some(i as f32)).chain([None]).collect();
        let range = value_range(&values).unwrap();
        assert_eq!(range, (2.0, 97.0));
        assert_eq!(colour_bin(Some(-5.0), range), Some(0));
        assert_eq!(colour_bin(Some(500.0), range), Some(COLOUR_BINS - 1));
        assert_eq!(colour_bin(None, range), None);
        assert_eq!(value_range(&[None]), None);
        assert_ne!(bin_colour(0), bin_colour(COLOUR_BINS - 1));
        assert!(bin_colour(0).starts_with("rgb("));
    }

    #[test]
    fn the_point_under_the_pointer_is_the_closest_within_reach() {
        let view = MapView::fit(&square(), 400.0, 300.0);
        let target = view.to_canvas([4.0, 6.0]);
        assert_eq!(point_under(&square(), &view, [target[0] + 1.0, target[1]], 5.0), Some(64));
        assert_eq!(point_under(&square(), &view, [-100.0, -100.0], 5.0), None);
    }
}
