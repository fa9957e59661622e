//! The viewer's camera: an orientation (unit quaternion) turned by dragging, a zoom factor,
//! and the matrices the shaders read (column-major, as WebGL expects).

use super::scene::Point;

/// A 4×4 matrix, column-major.
pub type Mat4 = [f32; 16];
/// A 3×3 matrix, column-major.
pub type Mat3 = [f32; 9];

/// Vertical field of view, radians.
const FOV_Y: f32 = 0.6;
/// Radians per pixel dragged.
const DRAG_SPEED: f32 = 0.01;
pub const MIN_ZOOM: f32 = 0.25;
pub const MAX_ZOOM: f32 = 6.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Orientation of the structure, (x, y, z, w).
    pub rotation: [f32; 4],
    /// >1 brings the structure closer.
    pub zoom: f32,
}

impl Default for Camera {
    /// A slightly tilted view, so that a cubic cell does not look like a square.
    fn default() -> Camera {
        let tilt = multiply(axis_angle([1.0, 0.0, 0.0], 0.35), axis_angle([0.0, 1.0, 0.0], -0.5));
        Camera { rotation: tilt, zoom: 1.0 }
    }
}

impl Camera {
    /// Turns the structure by a drag of (dx, dy) pixels: horizontal drags spin it about the
    /// screen's vertical axis, vertical drags about the horizontal one.
    pub fn drag(self, dx: f32, dy: f32) -> Camera {
        let turn = multiply(axis_angle([0.0, 1.0, 0.0], dx * DRAG_SPEED), axis_angle([1.0, 0.0, 0.0], dy * DRAG_SPEED));
        Camera { rotation: normalize(multiply(turn, self.rotation)), ..self }
    }

    /// Scales the zoom by `factor`, within [`MIN_ZOOM`, `MAX_ZOOM`].
    pub fn zoomed(self, factor: f32) -> Camera {
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        Camera { zoom: if zoom.is_finite() { zoom } else { self.zoom }, ..self }
    }

    /// The rotation as a 3×3 matrix (normals use it).
    pub fn rotation_matrix(&self) -> Mat3 {
        let [x, y, z, w] = self.rotation;
        [
            1.0 - 2.0 * (y * y + z * z),
            2.0 * (x * y + z * w),
            2.0 * (x * z - y * w),
            2.0 * (x * y - z * w),
            1.0 - 2.0 * (x * x + z * z),
            2.0 * (y * z + x * w),
            2.0 * (x * z + y * w),
            2.0 * (y * z - x * w),
            1.0 - 2.0 * (x * x + y * y),
        ]
    }

    /// Model-view-projection for a scene centred at `center` with bounding radius `radius`,
    /// drawn into a viewport of aspect ratio `aspect` (width / height).
    pub fn model_view_projection(&self, center: Point, radius: f32, aspect: f32) -> Mat4 {
        let r = self.rotation_matrix();
        // Fit the bounding sphere in the narrower dimension.
        let fit = (FOV_Y / 2.0).tan() * aspect.min(1.0);
        let distance = radius / fit / self.zoom + radius;
        let (near, far) = ((distance - radius * 1.5).max(0.05), distance + radius * 1.5);
        let t = [0, 1, 2].map(|row| -(0..3).map(|k| r[k * 3 + row] * center[k]).sum::<f32>());
        let model_view: Mat4 =
            [r[0], r[1], r[2], 0.0, r[3], r[4], r[5], 0.0, r[6], r[7], r[8], 0.0, t[0], t[1], t[2] - distance, 1.0];
        multiply4(&perspective(FOV_Y, aspect, near, far), &model_view)
    }
}

fn axis_angle(axis: [f32; 3], angle: f32) -> [f32; 4] {
    let (s, c) = (angle / 2.0).sin_cos();
    [axis[0] * s, axis[1] * s, axis[2] * s, c]
}

/// Hamilton product a·b (apply b, then a).
fn multiply(a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
    let [ax, ay, az, aw] = a;
    let [bx, by, bz, bw] = b;
    [
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    ]
}

fn normalize(q: [f32; 4]) -> [f32; 4] {
    let n = q.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 && n.is_finite() { q.map(|x| x / n) } else { [0.0, 0.0, 0.0, 1.0] }
}

fn perspective(fov_y: f32, aspect: f32, near: f32, far: f32) -> Mat4 {
    let f = 1.0 / (fov_y / 2.0).tan();
    let nf = 1.0 / (near - far);
    [
        f / aspect,
        0.0,
        0.0,
        0.0,
        0.0,
        f,
        0.0,
        0.0,
        0.0,
        0.0,
        (far + near) * nf,
        -1.0,
        0.0,
        0.0,
        2.0 * far * near * nf,
        0.0,
    ]
}

fn multiply4(a: &Mat4, b: &Mat4) -> Mat4 {
    let mut out = [0.0; 16];
    for col in 0..4 {
        for row in 0..4 {
            out[col * 4 + row] = (0..4).map(|k| a[k * 4 + row] * b[col * 4 + k]).sum();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(m: &Mat4, p: Point) -> [f32; 3] {
        let v = [p[0], p[1], p[2], 1.0];
        let c: Vec<f32> = (0..4).map(|row| (0..4).map(|k| m[k * 4 + row] * v[k]).sum()).collect();
        [c[0] / c[3], c[1] / c[3], c[2] / c[3]]
    }

    #[test]
    fn the_scene_centre_projects_to_the_middle_and_the_sphere_fits() {
        let camera = Camera::default().drag(37.0, -12.0);
        let center = [1.0, 2.0, 3.0];
        let m = camera.model_view_projection(center, 4.0, 1.5);
        let c = project(&m, center);
        assert!(c[0].abs() < 1e-5 && c[1].abs() < 1e-5 && c[2].abs() < 1.0, "{c:?}");
        // Points on the bounding sphere stay inside the clip volume at zoom 1.
        for d in [[4.0, 0.0, 0.0], [0.0, -4.0, 0.0], [0.0, 0.0, 4.0], [0.0, 0.0, -4.0]] {
            let p = project(&m, [center[0] + d[0], center[1] + d[1], center[2] + d[2]]);
            assert!(p.iter().all(|x| x.abs() <= 1.0), "{p:?}");
        }
    }

    #[test]
    fn rotation_stays_orthonormal_and_zoom_is_clamped() {
        let mut camera = Camera::default();
        for i in 0..500 {
            camera = camera.drag(i as f32 % 7.0, -3.0);
        }
        let r = camera.rotation_matrix();
        for a in 0..3 {
            for b in 0..3 {
                let dot: f32 = (0..3).map(|k| r[a * 3 + k] * r[b * 3 + k]).sum();
                assert!((dot - if a == b { 1.0 } else { 0.0 }).abs() < 1e-4);
            }
        }
        assert_eq!(camera.zoomed(100.0).zoom, MAX_ZOOM);
        assert_eq!(camera.zoomed(0.0).zoom, MIN_ZOOM);
        assert_eq!(camera.zoomed(f32::NAN).zoom, camera.zoom);
    }
}
