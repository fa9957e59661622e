//! Draws a [`Mesh`] with WebGL 1 (available wherever the page runs, WebGPU or not): one
//! program with Lambert + Blinn-Phong lighting for the spheres and tubes, flat colour for lines.

use wasm_bindgen::JsCast;
use web_sys::{
    HtmlCanvasElement, WebGlBuffer, WebGlProgram, WebGlRenderingContext as Gl, WebGlShader, WebGlUniformLocation,
};

use super::camera::{Camera, Mat4};
use super::mesh::{Mesh, STRIDE};

const VERTEX_SHADER: &str = r#"
attribute vec3 a_position;
attribute vec3 a_normal;
attribute vec3 a_color;
uniform mat4 u_mvp;
uniform mat3 u_rotation;
varying vec3 v_normal;
varying vec3 v_color;
void main() {
    gl_Position = u_mvp * vec4(a_position, 1.0);
    v_normal = u_rotation * a_normal;
    v_color = a_color;
}
"#;

const FRAGMENT_SHADER: &str = r#"
precision mediump float;
uniform float u_lit;
varying vec3 v_normal;
varying vec3 v_color;
void main() {
    vec3 n = normalize(v_normal + vec3(0.0, 0.0, 1e-6));
    vec3 light = normalize(vec3(0.4, 0.6, 1.0));
    float diffuse = max(dot(n, light), 0.0);
    float specular = pow(max(dot(n, normalize(light + vec3(0.0, 0.0, 1.0))), 0.0), 40.0);
    vec3 lit = v_color * (0.35 + 0.65 * diffuse) + vec3(0.25 * specular);
    gl_FragColor = vec4(mix(v_color, lit, u_lit), 1.0);
}
"#;

/// A WebGL context with the viewer's program and the current mesh uploaded.
pub struct Renderer {
    gl: Gl,
    program: WebGlProgram,
    triangles: WebGlBuffer,
    lines: WebGlBuffer,
    triangle_count: i32,
    line_count: i32,
    mvp: Option<WebGlUniformLocation>,
    rotation: Option<WebGlUniformLocation>,
    lit: Option<WebGlUniformLocation>,
}

impl Renderer {
    /// A renderer on `canvas`, or why WebGL is unavailable.
    pub fn new(canvas: &HtmlCanvasElement) -> Result<Renderer, String> {
        let gl: Gl = canvas
            .get_context("webgl")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into().ok())
            .ok_or("this browser gives the page no WebGL context")?;
        let vertex = compile(&gl, Gl::VERTEX_SHADER, VERTEX_SHADER)?;
        let fragment = compile(&gl, Gl::FRAGMENT_SHADER, FRAGMENT_SHADER)?;
        let program = gl.create_program().ok_or("WebGL could not create a program")?;
        gl.attach_shader(&program, &vertex);
        gl.attach_shader(&program, &fragment);
        gl.link_program(&program);
        if !gl.get_program_parameter(&program, Gl::LINK_STATUS).as_bool().unwrap_or(false) {
            return Err(format!(
                "WebGL could not link the viewer's shaders: {}",
                gl.get_program_info_log(&program).unwrap_or_default()
            ));
        }
        let buffer = || gl.create_buffer().ok_or("WebGL could not create a buffer");
        let (triangles, lines) = (buffer()?, buffer()?);
        Ok(Renderer {
            mvp: gl.get_uniform_location(&program, "u_mvp"),
            rotation: gl.get_uniform_location(&program, "u_rotation"),
            lit: gl.get_uniform_location(&program, "u_lit"),
            gl,
            program,
            triangles,
            lines,
            triangle_count: 0,
            line_count: 0,
        })
    }

    pub fn upload(&mut self, mesh: &Mesh) {
        for (buffer, data) in [(&self.triangles, &mesh.triangles), (&self.lines, &mesh.lines)] {
            self.gl.bind_buffer(Gl::ARRAY_BUFFER, Some(buffer));
            // SAFETY: the view is dropped before anything else allocates in WASM memory.
            unsafe {
                let view = js_sys::Float32Array::view(data);
                self.gl.buffer_data_with_array_buffer_view(Gl::ARRAY_BUFFER, &view, Gl::STATIC_DRAW);
            }
        }
        self.triangle_count = mesh.triangle_vertices() as i32;
        self.line_count = mesh.line_vertices() as i32;
    }

    /// Draws the uploaded mesh into the whole canvas (`width`×`height` device pixels).
    pub fn draw(&self, camera: &Camera, center: [f32; 3], radius: f32, width: u32, height: u32) {
        let gl = &self.gl;
        gl.viewport(0, 0, width as i32, height as i32);
        gl.clear_color(0.0, 0.0, 0.0, 0.0);
        gl.enable(Gl::DEPTH_TEST);
        gl.clear(Gl::COLOR_BUFFER_BIT | Gl::DEPTH_BUFFER_BIT);
        gl.use_program(Some(&self.program));
        let mvp: Mat4 = camera.model_view_projection(center, radius, width.max(1) as f32 / height.max(1) as f32);
        gl.uniform_matrix4fv_with_f32_array(self.mvp.as_ref(), false, &mvp);
        gl.uniform_matrix3fv_with_f32_array(self.rotation.as_ref(), false, &camera.rotation_matrix());
        for (buffer, count, mode, lit) in
            [(&self.triangles, self.triangle_count, Gl::TRIANGLES, 1.0), (&self.lines, self.line_count, Gl::LINES, 0.0)]
        {
            if count == 0 {
                continue;
            }
            gl.uniform1f(self.lit.as_ref(), lit);
            gl.bind_buffer(Gl::ARRAY_BUFFER, Some(buffer));
            for (name, offset) in [("a_position", 0), ("a_normal", 3), ("a_color", 6)] {
                let location = gl.get_attrib_location(&self.program, name);
                if location < 0 {
                    continue; // optimised away
                }
                let location = location as u32;
                gl.enable_vertex_attrib_array(location);
                gl.vertex_attrib_pointer_with_i32(location, 3, Gl::FLOAT, false, (STRIDE * 4) as i32, offset * 4);
            }
            gl.draw_arrays(mode, 0, count);
        }
    }

    /// Fraction of the canvas's pixels that are not background (for tests).
    pub fn covered_fraction(&self, width: u32, height: u32) -> f64 {
        let mut pixels = vec![0u8; (width * height * 4) as usize];
        let read = self.gl.read_pixels_with_opt_u8_array(
            0,
            0,
            width as i32,
            height as i32,
            Gl::RGBA,
            Gl::UNSIGNED_BYTE,
            Some(&mut pixels),
        );
        if read.is_err() || pixels.is_empty() {
            return 0.0;
        }
        pixels.chunks(4).filter(|p| p[3] != 0).count() as f64 / (width * height) as f64
    }
}

fn compile(gl: &Gl, kind: u32, source: &str) -> Result<WebGlShader, String> {
    let shader = gl.create_shader(kind).ok_or("WebGL could not create a shader")?;
    gl.shader_source(&shader, source);
    gl.compile_shader(&shader);
    if gl.get_shader_parameter(&shader, Gl::COMPILE_STATUS).as_bool().unwrap_or(false) {
        Ok(shader)
    } else {
        Err(format!(
            "WebGL could not compile the viewer's shader: {}",
            gl.get_shader_info_log(&shader).unwrap_or_default()
        ))
    }
}

impl Renderer {
    /// Frees the GPU context now rather than when the canvas is garbage-collected (browsers
    /// allow only a few live WebGL contexts per page).
    pub fn release(self) {
        if let Ok(Some(extension)) = self.gl.get_extension("WEBGL_lose_context")
            && let Ok(lose) = js_sys::Reflect::get(&extension, &"loseContext".into())
            && let Some(lose) = lose.dyn_ref::<js_sys::Function>()
        {
            let _ = lose.call0(&extension);
        }
    }
}
