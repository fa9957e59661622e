//! The interactive 3D view of a unit cell: [`scene`] (atoms, boundary copies, bonds, cell
//! edges), [`mesh`] (triangles), [`camera`] (rotation and zoom), [`gl`] (WebGL drawing) and
//! [`colors`]. Everything but `gl` is plain arithmetic, tested natively.

pub mod camera;
pub mod colors;
pub mod gl;
pub mod mesh;
pub mod scene;

pub use camera::Camera;
pub use mesh::Show;
pub use scene::{Colouring, Scene};
