"""Everything that touches bpy; pure logic lives in ..core."""
